#include "plan/capacity_plan.hpp"

#include <gtest/gtest.h>

#include "plan/bench_capacity.hpp"

namespace headroom::plan {
namespace {
// Fixed figures, so the arithmetic below does not move when the built-in capacity is re-measured.
const Capacity kCap{4000, 15, 20.5, "test"};
}  // namespace

TEST(SeedPhases, UserCountsFallIntoTheSeedsPhases) {
  EXPECT_EQ(seed_phase_for(1).number, 1);
  EXPECT_EQ(seed_phase_for(1000).number, 1);
  EXPECT_EQ(seed_phase_for(1001).number, 2);
  EXPECT_EQ(seed_phase_for(5000).number, 2);
  EXPECT_EQ(seed_phase_for(50000).number, 3);
  EXPECT_EQ(seed_phase_for(5001).shape.vcpu, 4);
}

TEST(CapacityPlan, AnInstanceStaysBelowTheSeedsTriggers) {
  Capacity cap = kCap;  // 4,000 users per core, 15 MB + 20.5 KB per user
  bool memory_bound = true;
  EXPECT_EQ(users_per_instance(cap, {1, 512}, &memory_bound), 3200);  // 80 % of one core
  EXPECT_FALSE(memory_bound);
  cap.rss_kb_per_user = 200;  // (512 × 0.8 − 15) MB / 200 KB
  EXPECT_EQ(users_per_instance(cap, {1, 512}, &memory_bound), 2020);
  EXPECT_TRUE(memory_bound);
}

TEST(CapacityPlan, PicksTheSmallestSeedShapeThatHoldsEveryone) {
  const Capacity& cap = kCap;
  Prices prices;
  auto small = estimate(500, cap, prices);
  EXPECT_EQ(small.shape.vcpu, 1);
  EXPECT_EQ(small.instances, 1);
  EXPECT_FALSE(small.needs_cluster);
  EXPECT_NEAR(small.monthly_usd, (0.000018 + 0.5 * 0.000002) * kSecondsPerMonth, 1e-6);
  EXPECT_EQ(small.seed->number, 1);

  auto medium = estimate(5000, cap, prices);  // one core holds 3,200; two hold 6,400
  EXPECT_EQ(medium.shape.vcpu, 2);
  EXPECT_EQ(medium.instances, 1);
  EXPECT_LT(medium.monthly_usd, medium.seed->infrastructure_usd);
}

TEST(CapacityPlan, BeyondTheLargestShapeItNeedsTheCluster) {
  auto e = estimate(50000, kCap, Prices{});
  EXPECT_EQ(e.shape.vcpu, 4);
  EXPECT_EQ(e.users_per_instance, 12800);
  EXPECT_EQ(e.instances, 4);
  EXPECT_TRUE(e.needs_cluster);
  EXPECT_NEAR(e.rss_mb_per_instance, 15 + 12500 * 20.5 / 1024, 1e-6);
}

TEST(CapacityPlan, AGivenShapeIsUsedAsIs) {
  auto e = estimate(10000, kCap, Prices{}, Shape{1, 512});
  EXPECT_EQ(e.instances, 4);                               // 3,200 per instance
  auto none = estimate(10, kCap, Prices{}, Shape{1, 16});  // 16 MB holds no one
  EXPECT_EQ(none.instances, 0);
}

TEST(BenchCapacity, ReadsTheUserModelFromARunAllFile) {
  const char* run_all = R"({"runs":[
    {"server":"soketi","scenario":"users","output":{"scenario":"users","results":{"users_reached":1000}}},
    {"server":"headroom","scenario":"users","output":{"scenario":"users","results":{"users_reached":4000,
      "steps":[{"users":1000,"server_rss_bytes":36700160},{"users":2000,"server_rss_bytes":57671680},
               {"users":3000,"server_rss_bytes":78643200}]}}}]})";
  auto cap = capacity_from_bench_json(run_all, "r.json");
  ASSERT_TRUE(cap.is_ok()) << cap.status().message();
  EXPECT_EQ(cap->users_per_core, 4000);
  EXPECT_NEAR(cap->rss_kb_per_user, 20.48, 0.01);  // 20 MiB per 1,000 users
  EXPECT_NEAR(cap->base_rss_mb, 15, 0.01);
  EXPECT_EQ(cap->source, "r.json");
}

TEST(BenchCapacity, ReadsOneUsersResultAndNamesWhatIsMissing) {
  auto one = capacity_from_bench_json(R"({"scenario":"users","results":{"users_reached":2500}})", "u.json");
  ASSERT_TRUE(one.is_ok());
  EXPECT_EQ(one->users_per_core, 2500);
  EXPECT_EQ(one->rss_kb_per_user, Capacity{}.rss_kb_per_user);  // no steps: defaults kept

  auto other = capacity_from_bench_json(R"({"scenario":"fanout","results":{}})", "f.json");
  ASSERT_FALSE(other.is_ok());
  EXPECT_NE(other.status().message().find("no Headroom `users`"), std::string::npos);
  EXPECT_FALSE(capacity_from_bench_json("{", "bad.json").is_ok());
}

}  // namespace headroom::plan

namespace headroom::plan {

TEST(DashboardRows, OneRowForNowAndOneForTheTopOfEachSeedPhase) {
  std::string rows = dashboard_rows_json(42.4);
  EXPECT_NE(rows.find(R"x("users":"42 (active now)")x"), std::string::npos) << rows;
  EXPECT_NE(rows.find(R"("users":"50000")"), std::string::npos) << rows;
  EXPECT_NE(rows.find("1 × 1 vCPU / 512 MiB"), std::string::npos) << rows;
  EXPECT_NE(rows.find(R"("seed budget":1000)"), std::string::npos) << rows;
}

}  // namespace headroom::plan
