// Warm restart: the hottest keys are written on shutdown and read back on start, so the documents
// module can refill them in the background. File format, one entry per line, tab-separated:
//   doc<TAB>app<TAB>collection<TAB>id        query<TAB>app<TAB>collection<TAB>normalized query
// with '\\', '\t' and '\n' escaped as \\, \t, \n.
#include <fstream>

#include "cache/document_cache.hpp"

namespace headroom::cache {

namespace {

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char n = s[++i];
    out.push_back(n == 't' ? '\t' : n == 'n' ? '\n' : n);
  }
  return out;
}

std::vector<std::string_view> fields(std::string_view s, char sep, size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    auto pos = s.find(sep);
    if (pos == std::string_view::npos) break;
    parts.push_back(s.substr(0, pos));
    s.remove_prefix(pos + 1);
  }
  parts.push_back(s);
  return parts;
}

}  // namespace

Status DocumentCache::save_hot_keys(const std::string& path, size_t n) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return internal_error("cannot write " + tmp);
    for (const auto& hot : cache_.hottest(n)) {
      auto parts = fields(hot.key, '\x1f', 4);
      if (parts.size() != 4 || (parts[0] != "d" && parts[0] != "q")) continue;
      out << (parts[0] == "d" ? "doc" : "query") << '\t' << escape(parts[1]) << '\t' << escape(parts[2]) << '\t'
          << escape(parts[3]) << '\n';
    }
    if (!out.flush()) return internal_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return internal_error("cannot rename " + tmp);
  return Status::ok();
}

Result<std::vector<HotEntry>> DocumentCache::load_hot_keys(const std::string& path) {
  std::ifstream in(path);
  if (!in) return not_found("no warm-restart file at " + path);
  std::vector<HotEntry> out;
  std::string line;
  while (std::getline(in, line)) {
    auto parts = fields(line, '\t', 4);
    if (parts.size() != 4 || (parts[0] != "doc" && parts[0] != "query")) continue;  // skip damaged lines
    HotEntry e{parts[0] == "doc" ? HotEntry::Kind::kDoc : HotEntry::Kind::kQuery, unescape(parts[1]),
               unescape(parts[2]), unescape(parts[3])};
    // No app or collection holds the cache key's separator: such a line is damaged too (its key
    // would be split in the wrong place and saved back as another entry).
    if (e.app.find('\x1f') != std::string::npos || e.collection.find('\x1f') != std::string::npos) continue;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace headroom::cache
