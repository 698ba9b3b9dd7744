#include "ratelimit/gcra.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "ratelimit/connection_limiter.hpp"
#include "ratelimit/limiter_store.hpp"

namespace headroom::ratelimit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

int64_t ns(const FakeClock& c) { return c.now().time_since_epoch().count(); }

TEST(Gcra, AnonymousTwentyFirstRequestInAMinuteIsRefused) {
  FakeClock clock;
  MemoryLimiterStore store(100);
  const auto limit = GcraLimit::per_minute(20, 20);
  for (int i = 0; i < 20; ++i) {
    auto d = store.consume("ip:1.2.3.4", limit, 1, ns(clock));
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 19 - i);
    EXPECT_EQ(d.limit, 20);
  }
  auto refused = store.consume("ip:1.2.3.4", limit, 1, ns(clock));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after, seconds(3));  // one request every 3 s at 20/min
  EXPECT_EQ(ceil_seconds(refused.reset_after), 60);
  // Just before Retry-After it is still refused; at Retry-After it succeeds.
  clock.advance(refused.retry_after - milliseconds(1));
  EXPECT_FALSE(store.consume("ip:1.2.3.4", limit, 1, ns(clock)).allowed);
  clock.advance(milliseconds(1));
  auto after = store.consume("ip:1.2.3.4", limit, 1, ns(clock));
  EXPECT_TRUE(after.allowed);
  EXPECT_EQ(after.remaining, 0);
  // Other keys are independent.
  EXPECT_TRUE(store.consume("ip:5.6.7.8", limit, 1, ns(clock)).allowed);
}

TEST(Gcra, AuthenticatedBurstOf200ThenRefused) {
  FakeClock clock;
  MemoryLimiterStore store(100);
  const auto limit = GcraLimit::per_minute(100, 200);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(store.consume("sub:a", limit, 1, ns(clock)).allowed) << i;
  auto refused = store.consume("sub:a", limit, 1, ns(clock));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, milliseconds(600));
  clock.advance(refused.retry_after);
  EXPECT_TRUE(store.consume("sub:a", limit, 1, ns(clock)).allowed);
  EXPECT_FALSE(store.consume("sub:a", limit, 1, ns(clock)).allowed);
}

TEST(Gcra, SustainedRateIsAllowedForever) {
  FakeClock clock;
  int64_t tat = 0;
  const auto limit = GcraLimit::per_minute(20, 20);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(gcra_apply(tat, limit, 1, ns(clock)).allowed);
    clock.advance(seconds(3));
  }
}

TEST(Gcra, BucketRefillsFullyAfterReset) {
  FakeClock clock;
  int64_t tat = 0;
  const auto limit = GcraLimit::per_minute(20, 20);
  Decision last;
  for (int i = 0; i < 20; ++i) last = gcra_apply(tat, limit, 1, ns(clock));
  clock.advance(last.reset_after);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(gcra_apply(tat, limit, 1, ns(clock)).allowed);
}

TEST(Gcra, CostSpendsSeveralUnits) {
  FakeClock clock;
  int64_t tat = 0;
  const auto limit = GcraLimit::per_minute(20, 20);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(gcra_apply(tat, limit, 2, ns(clock)).allowed);
  EXPECT_FALSE(gcra_apply(tat, limit, 2, ns(clock)).allowed);
  EXPECT_FALSE(gcra_apply(tat, limit, 1, ns(clock)).allowed);
}

TEST(ConnectionLimiter, HundredPerSecond) {
  FakeClock clock;
  ConnectionLimiter limiter(clock, 100, 100);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.allow());
  EXPECT_FALSE(limiter.allow());
  EXPECT_EQ(limiter.last().retry_after, milliseconds(10));
  clock.advance(milliseconds(10));
  EXPECT_TRUE(limiter.allow());
  clock.advance(seconds(1));
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.allow());
  EXPECT_FALSE(limiter.allow());
}

}  // namespace
}  // namespace headroom::ratelimit
