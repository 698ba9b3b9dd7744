#include "observe/hyperloglog.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

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

TEST(ActiveUsers, KindsAreCountedApartAndConcurrentRecordsAreSafe) {
  FakeClock clock;
  ActiveUsers users(clock);
  users.record(ActiveUsers::Kind::kSubject, "1.2.3.4");
  users.record(ActiveUsers::Kind::kAddress, "1.2.3.4");
  EXPECT_NEAR(users.estimate(), 2, 0.1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&users, t] {
      for (int i = 0; i < 2000; ++i) users.record(ActiveUsers::Kind::kUser, "u" + std::to_string(t * 2000 + i));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_NEAR(users.estimate(), 8002, 800);
}

}  // namespace headroom::observe
