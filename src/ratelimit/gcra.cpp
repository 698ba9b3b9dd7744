#include "ratelimit/gcra.hpp"

namespace headroom::ratelimit {

GcraLimit GcraLimit::per_minute(int64_t rate, int64_t burst) {
  rate = std::max<int64_t>(rate, 1);
  return {60'000'000'000 / rate, std::max<int64_t>(burst, 1)};
}

GcraLimit GcraLimit::per_second(int64_t rate, int64_t burst) {
  rate = std::max<int64_t>(rate, 1);
  return {1'000'000'000 / rate, std::max<int64_t>(burst, 1)};
}

Decision gcra_apply(int64_t& tat_ns, const GcraLimit& limit, int64_t cost, int64_t now_ns) {
  cost = std::clamp<int64_t>(cost, 0, limit.burst);
  const int64_t tolerance = limit.tolerance_ns();
  const int64_t start = std::max(tat_ns, now_ns);
  const int64_t new_tat = start + cost * limit.interval_ns;
  Decision d;
  d.limit = limit.burst;
  if (new_tat - now_ns > tolerance) {
    d.allowed = false;
    d.remaining = std::max<int64_t>(0, (tolerance - (start - now_ns)) / limit.interval_ns);
    d.retry_after = Clock::Duration(new_tat - tolerance - now_ns);
    d.reset_after = Clock::Duration(start - now_ns);
    return d;
  }
  tat_ns = new_tat;
  d.remaining = (tolerance - (new_tat - now_ns)) / limit.interval_ns;
  d.reset_after = Clock::Duration(new_tat - now_ns);
  return d;
}

int64_t ceil_seconds(Clock::Duration d) {
  const int64_t ns = d.count();
  return ns <= 0 ? 0 : (ns + 999'999'999) / 1'000'000'000;
}

}  // namespace headroom::ratelimit
