#pragma once
// A single token bucket for one connection (e.g. Pusher client events, 100/s per connection). Owned
// by the connection and used from its strand, so it needs no lock and no key table.
#include <cstdint>

#include "core/clock.hpp"
#include "ratelimit/gcra.hpp"

namespace headroom::ratelimit {

class ConnectionLimiter {
 public:
  // `rate_per_second` units refill per second, at most `burst` at once.
  ConnectionLimiter(const Clock& clock, int64_t rate_per_second, int64_t burst)
      : clock_(clock), limit_(GcraLimit::per_second(rate_per_second, burst)) {}

  // Spends `cost` units if they are available; false (and nothing spent) otherwise.
  [[nodiscard]] bool allow(int64_t cost = 1) { return last_ = decide(cost), last_.allowed; }
  const Decision& last() const { return last_; }

 private:
  Decision decide(int64_t cost) { return gcra_apply(tat_, limit_, cost, clock_.now().time_since_epoch().count()); }

  const Clock& clock_;
  GcraLimit limit_;
  int64_t tat_ = 0;
  Decision last_;
};

}  // namespace headroom::ratelimit
