#include "observe/hyperloglog.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/clock.hpp"
#include "observe/active_users.hpp"

namespace headroom::observe {

TEST(HyperLogLog, SmallCountsAreNearlyExact) {
  HyperLogLog h;
  EXPECT_EQ(h.estimate(), 0);
  for (int i = 0; i < 50; ++i) h.add("user-" + std::to_string(i % 10));
  EXPECT_NEAR(h.estimate(), 10, 0.5);
}

TEST(HyperLogLog, LargeCountsWithinTenPercent) {
  HyperLogLog h;
  for (int i = 0; i < 100000; ++i) h.add("u" + std::to_string(i));
  EXPECT_NEAR(h.estimate(), 100000, 10000);
}

TEST(ActiveUsers, CountsDistinctKeysOfTheLastFiveMinutes) {
  FakeClock clock;
  ActiveUsers users(clock);
  users.record("sub:a");
  users.record("sub:a");
  users.record("ip:1.2.3.4");
  EXPECT_NEAR(users.estimate(), 2, 0.1);
  clock.advance(std::chrono::minutes(2));
  users.record("sub:b");
  EXPECT_NEAR(users.estimate(), 3, 0.1);
  clock.advance(std::chrono::minutes(4));  // the first minute has left the window
  EXPECT_NEAR(users.estimate(), 1, 0.1);
  clock.advance(std::chrono::minutes(10));
  EXPECT_EQ(users.estimate(), 0);
}

}  // namespace headroom::observe
