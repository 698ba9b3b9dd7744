#include "ops/cron.hpp"

#include <gtest/gtest.h>

namespace headroom::ops {
namespace {

// 2026-11-27T06:30:00Z
constexpr int64_t kBase = 1795761000000;

int64_t next(const char* spec, int64_t from) {
  auto c = CronSchedule::parse(spec);
  EXPECT_TRUE(c) << spec << ": " << c.status().message();
  return c ? c->next_after(from) : -2;
}

TEST(Cron, DailyAtThree) {
  // next 03:00 after 06:30 is tomorrow
  EXPECT_EQ(next("0 3 * * *", kBase), kBase + (20 * 60 + 30) * 60000LL);
}

TEST(Cron, EveryMinuteIsStrictlyAfter) {
  EXPECT_EQ(next("* * * * *", kBase), kBase + 60000);
  EXPECT_EQ(next("* * * * *", kBase + 1), kBase + 60000);
}

TEST(Cron, StepsRangesAndLists) {
  EXPECT_EQ(next("*/15 * * * *", kBase), kBase + 15 * 60000);
  EXPECT_EQ(next("10-20/5 6 * * *", kBase), kBase + 24LL * 3600000 - 20 * 60000);  // 06:10 tomorrow
  EXPECT_EQ(next("45,50 * * * *", kBase), kBase + 15 * 60000);
}

TEST(Cron, DayOfWeekSevenIsSunday) {
  // 2026-11-27 is a Friday; the next Sunday midnight is 2026-11-29T00:00Z.
  int64_t sunday = kBase + (17 * 60 + 30) * 60000LL + 24LL * 3600000;
  EXPECT_EQ(next("0 0 * * 7", kBase), sunday);
  EXPECT_EQ(next("0 0 * * 0", kBase), sunday);
  EXPECT_EQ(next("@weekly", kBase), sunday);
}

TEST(Cron, DayOfMonthOrWeekdayWhenBothRestricted) {
  // Day 1 of the month OR Sunday → Sunday 2026-11-29 comes first.
  int64_t sunday = kBase + (17 * 60 + 30) * 60000LL + 24LL * 3600000;
  EXPECT_EQ(next("0 0 1 * 0", kBase), sunday);
}

TEST(Cron, ImpossibleDateHasNoNextRun) { EXPECT_EQ(next("0 0 31 2 *", kBase), -1); }

TEST(Cron, RejectsBadSpecsWithTheField) {
  for (const char* bad : {"", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
                          "*/0 * * * *", "a * * * *", "5-1 * * * *", "* * * * * *", "1-2-3 * * * *"}) {
    auto c = CronSchedule::parse(bad);
    EXPECT_FALSE(c) << bad;
  }
  auto c = CronSchedule::parse("0 25 * * *");
  ASSERT_FALSE(c);
  EXPECT_NE(c.status().message().find("hour"), std::string::npos);
}

}  // namespace
}  // namespace headroom::ops
