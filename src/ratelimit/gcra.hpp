#pragma once
// The Generic Cell Rate Algorithm: a token bucket kept as one number per key, the theoretical
// arrival time (TAT). A limit of `burst` requests that refills at one request per `interval`:
// a request is allowed when, after adding its cost, the TAT is at most burst × interval ahead of now.
#include <algorithm>
#include <chrono>
#include <cstdint>

#include "core/clock.hpp"

namespace headroom::ratelimit {

struct GcraLimit {
  int64_t interval_ns = 0;  // time to refill one unit
  int64_t burst = 1;        // units available at once

  static GcraLimit per_minute(int64_t rate, int64_t burst);
  static GcraLimit per_second(int64_t rate, int64_t burst);
  int64_t tolerance_ns() const { return interval_ns * burst; }
  bool operator==(const GcraLimit&) const = default;
};

struct Decision {
  bool allowed = true;
  int64_t limit = 0;               // burst: what a caller may spend at once (RateLimit-Limit)
  int64_t remaining = 0;           // units left after this request (RateLimit-Remaining)
  Clock::Duration retry_after{0};  // when refused: wait this long before one more unit fits
  Clock::Duration reset_after{0};  // until the bucket is full again (RateLimit-Reset)
};

// Applies a request of `cost` units at `now_ns` to the state `tat_ns` (0 for a new key) and returns
// the decision; `tat_ns` is updated only when allowed.
Decision gcra_apply(int64_t& tat_ns, const GcraLimit& limit, int64_t cost, int64_t now_ns);

// Whole seconds, rounded up, for headers (0 stays 0).
int64_t ceil_seconds(Clock::Duration d);

}  // namespace headroom::ratelimit
