// Fuzzes the --until argument of `headroom backup restore` (ops::parse_until).
// Invariants: "latest"/empty means latest; an accepted seq is the decimal number given; an
// accepted time is a real UTC instant: printed back as ISO 8601 it names the same calendar date
// and clock time that was given (no 31st of February, no 61st second silently moved on).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>

#include "ops/replay.hpp"

using namespace headroom;

#define CHECK(cond) \
  if (!(cond)) std::abort()

namespace {

// "YYYY-MM-DDTHH:MM:SS" of Unix ms (UTC).
std::string iso_seconds(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  if (!gmtime_r(&secs, &tm)) return "";
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string_view without_leading_zeros(std::string_view s) {
  size_t i = s.find_first_not_of('0');
  return i == std::string_view::npos ? s.substr(s.size() - 1) : s.substr(i);
}

// text is "<iso seconds of ms>[.<digits>](Z|+00:00)" and the digits start with ms's milliseconds.
void check_time(std::string_view text, int64_t ms) {
  const std::string secs = iso_seconds(ms);
  CHECK(!secs.empty() && text.starts_with(secs));
  text.remove_prefix(secs.size());
  std::string frac;
  if (text.starts_with('.')) {
    text.remove_prefix(1);
    while (!text.empty() && text[0] >= '0' && text[0] <= '9') {
      frac += text[0];
      text.remove_prefix(1);
    }
  }
  frac = (frac + "000").substr(0, 3);
  CHECK(std::stoi(frac) == ((ms % 1000) + 1000) % 1000);
  CHECK(text == "Z" || text == "+00:00");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto until = ops::parse_until(text);
  if (!until) {
    CHECK(until.status().code() == Code::kInvalidArgument);
    return 0;
  }
  std::string_view t = text;
  switch (until->kind) {
    case ops::Until::Kind::kLatest:
      CHECK(text.empty() || text == "latest");
      break;
    case ops::Until::Kind::kSeq:
      if (t.starts_with("seq:")) t.remove_prefix(4);
      CHECK(all_digits(t) && std::to_string(until->value) == without_leading_zeros(t));
      break;
    case ops::Until::Kind::kTime:
      if (t.starts_with("ms:")) {
        CHECK(std::stoll(std::string(t.substr(3))) == until->value);
      } else {
        check_time(t, until->value);
      }
      break;
  }
  return 0;
}
