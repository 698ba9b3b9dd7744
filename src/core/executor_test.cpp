#include "core/executor.hpp"

#include <gtest/gtest.h>

#include "core/manual_executor.hpp"

namespace headroom {

TEST(ManualExecutor, RunsDelayedTasksWhenTheClockReachesThem) {
  FakeClock clock;
  ManualExecutor ex(clock);
  int ran = 0;
  ex.post_after(std::chrono::milliseconds(100), [&] { ++ran; });
  EXPECT_EQ(ex.run_due(), 0);
  ex.advance(std::chrono::milliseconds(100));
  EXPECT_EQ(ran, 1);
}

TEST(PeriodicTask, RepeatsUntilDestroyed) {
  FakeClock clock;
  ManualExecutor ex(clock);
  int ticks = 0;
  {
    PeriodicTask task(ex, std::chrono::milliseconds(50), [&] { ++ticks; });
    ex.advance(std::chrono::milliseconds(200));
    EXPECT_EQ(ticks, 4);
  }
  ex.advance(std::chrono::milliseconds(200));
  EXPECT_EQ(ticks, 4);
}

}  // namespace headroom
