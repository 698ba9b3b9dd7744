#include "ops/cron.hpp"

#include <charconv>
#include <ctime>
#include <vector>

namespace headroom::ops {
namespace {

Status bad(std::string_view spec, const std::string& why) {
  return invalid_argument("cron schedule '" + std::string(spec) + "': " + why);
}

bool parse_int(std::string_view s, int& out) {
  if (s.empty() || s.size() > 4) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// Sets bits lo..hi (inclusive) of one field from its text; returns an error message or "".
template <size_t N>
std::string parse_field(std::string_view text, int lo, int hi, std::bitset<N>& bits) {
  for (std::string_view part : split(text, ',')) {
    int step = 1;
    if (size_t slash = part.find('/'); slash != std::string_view::npos) {
      if (!parse_int(part.substr(slash + 1), step) || step <= 0) return "bad step in '" + std::string(part) + "'";
      part = part.substr(0, slash);
    }
    int a = lo, b = hi;
    if (part != "*") {
      size_t dash = part.find('-');
      if (dash == std::string_view::npos) {
        if (!parse_int(part, a)) return "'" + std::string(part) + "' is not a number";
        b = step > 1 ? hi : a;
      } else if (!parse_int(part.substr(0, dash), a) || !parse_int(part.substr(dash + 1), b)) {
        return "bad range '" + std::string(part) + "'";
      }
    }
    if (a < lo || b > hi || a > b) {
      return "'" + std::string(part) + "' is outside " + std::to_string(lo) + "-" + std::to_string(hi);
    }
    for (int v = a; v <= b; v += step) bits.set(static_cast<size_t>(v));
  }
  return "";
}

std::string_view macro(std::string_view spec) {
  if (spec == "@daily" || spec == "@midnight") return "0 0 * * *";
  if (spec == "@hourly") return "0 * * * *";
  if (spec == "@weekly") return "0 0 * * 0";
  return spec;
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view spec) {
  std::string_view text = macro(spec);
  std::vector<std::string_view> fields;
  for (auto f : split(text, ' ')) {
    if (!f.empty()) fields.push_back(f);
  }
  if (fields.size() != 5) return bad(spec, "expected 5 fields (minute hour day month weekday)");
  CronSchedule c;
  std::bitset<8> dow;
  const char* names[] = {"minute", "hour", "day of month", "month", "day of week"};
  std::string err[5] = {parse_field(fields[0], 0, 59, c.minutes_), parse_field(fields[1], 0, 23, c.hours_),
                        parse_field(fields[2], 1, 31, c.days_), parse_field(fields[3], 1, 12, c.months_),
                        parse_field(fields[4], 0, 7, dow)};
  for (int i = 0; i < 5; ++i) {
    if (!err[i].empty()) return bad(spec, std::string(names[i]) + ": " + err[i]);
  }
  for (size_t d = 0; d < 7; ++d) c.weekdays_[d] = dow[d];
  if (dow[7]) c.weekdays_.set(0);
  c.day_restricted_ = fields[2] != "*";
  c.weekday_restricted_ = fields[4] != "*";
  return c;
}

bool CronSchedule::matches(int64_t unix_minute) const {
  std::time_t t = static_cast<std::time_t>(unix_minute * 60);
  std::tm tm{};
  gmtime_r(&t, &tm);
  if (!minutes_[static_cast<size_t>(tm.tm_min)] || !hours_[static_cast<size_t>(tm.tm_hour)] ||
      !months_[static_cast<size_t>(tm.tm_mon + 1)]) {
    return false;
  }
  bool dom = days_[static_cast<size_t>(tm.tm_mday)];
  bool dow = weekdays_[static_cast<size_t>(tm.tm_wday)];
  if (day_restricted_ && weekday_restricted_) return dom || dow;
  return dom && dow;
}

int64_t CronSchedule::next_after(int64_t unix_ms) const {
  int64_t minute = (unix_ms >= 0 ? unix_ms / 60000 : (unix_ms - 59999) / 60000) + 1;
  const int64_t limit = minute + 5LL * 366 * 24 * 60;
  while (minute < limit) {
    if (matches(minute)) return minute * 60000;
    // Skip a whole hour when the hour cannot match, to keep rare schedules cheap.
    std::time_t t = static_cast<std::time_t>(minute * 60);
    std::tm tm{};
    gmtime_r(&t, &tm);
    if (!hours_[static_cast<size_t>(tm.tm_hour)]) {
      minute += 60 - tm.tm_min;
    } else {
      ++minute;
    }
  }
  return -1;
}

}  // namespace headroom::ops
