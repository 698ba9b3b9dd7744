#include "docs/etag.hpp"

#include <charconv>

namespace headroom::docs {
namespace {

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// etagc = %x21 / %x23-7E / obs-text
bool is_etagc(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x7e) || u >= 0x80;
}

// The version an opaque tag names, written the way this server writes it; 0 for anything else.
int64_t version_of(std::string_view opaque) {
  if (opaque.empty() || opaque.front() == '0' || opaque.size() > 19) return 0;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(opaque.data(), opaque.data() + opaque.size(), v);
  return ec == std::errc() && p == opaque.data() + opaque.size() && v > 0 ? v : 0;
}

Status malformed(std::string_view why) {
  return invalid_argument("malformed entity-tag list (" + std::string(why) +
                          "): use \"*\" or quoted tags like \"3\", W/\"3\"");
}

}  // namespace

std::string etag_of(int64_t version) { return "\"" + std::to_string(version) + "\""; }

Result<storage::VersionSet> parse_etag_list(std::string_view header, EtagCompare compare) {
  storage::VersionSet set;
  header = trim(header);
  if (header.empty()) return set;
  set.present = true;
  if (header == "*") {
    set.any = true;
    return set;
  }
  size_t tags = 0, i = 0;
  while (i < header.size()) {
    if (is_ows(header[i]) || header[i] == ',') {
      ++i;
      continue;
    }
    const bool weak = header.compare(i, 2, "W/") == 0;
    if (weak) i += 2;
    if (i >= header.size() || header[i] != '"') return malformed("a tag must be quoted");
    const size_t open = ++i;
    while (i < header.size() && is_etagc(header[i])) ++i;
    if (i >= header.size() || header[i] != '"') return malformed("unterminated or invalid tag");
    const std::string_view opaque = header.substr(open, i - open);
    ++i;
    while (i < header.size() && is_ows(header[i])) ++i;
    if (i < header.size() && header[i] != ',') return malformed("tags must be separated by commas");
    if (++tags > kMaxEtagsPerHeader) return malformed("more than 64 tags");
    if (weak && compare == EtagCompare::kStrong) continue;  // never strongly equal to our strong tags
    if (int64_t v = version_of(opaque); v > 0) set.versions.push_back(v);
  }
  if (tags == 0) return malformed("no tag");
  return set;
}

}  // namespace headroom::docs
