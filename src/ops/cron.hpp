#pragma once
// A five-field cron schedule ("minute hour day-of-month month day-of-week"), evaluated in UTC.
// Fields take *, numbers, ranges a-b, steps */n and a-b/n, and comma lists; day-of-week 0-7
// (0 and 7 are Sunday). As in Vixie cron, when both day fields are restricted a day matches if
// either does. Names (MON, JAN) and @-macros other than @daily/@hourly/@weekly are not supported.
#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace headroom::ops {

class CronSchedule {
 public:
  static Result<CronSchedule> parse(std::string_view spec);
  // The first matching minute strictly after `unix_ms` (Unix ms, UTC); -1 if none within 5 years.
  int64_t next_after(int64_t unix_ms) const;
  bool matches(int64_t unix_minute) const;

 private:
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<8> weekdays_;  // 0..6 (Sunday = 0)
  bool day_restricted_ = false;
  bool weekday_restricted_ = false;
};

}  // namespace headroom::ops
