#include "ratelimit/rate_limiter.hpp"

#include <gtest/gtest.h>

#include "ratelimit/abuse_monitor.hpp"

namespace headroom::ratelimit {
namespace {

using http::Tier;
using std::chrono::seconds;

TEST(RateLimiter, TiersUseTheirLimits) {
  FakeClock clock;
  config::RateLimitConfig cfg;
  MemoryLimiterStore store(1000);
  RateLimiter rl(cfg, store, clock);
  for (int i = 0; i < 20; ++i) ASSERT_FALSE(rl.decide(Tier::kAnonymous, "ip:a").refused());
  auto v = rl.decide(Tier::kAnonymous, "ip:a");
  EXPECT_TRUE(v.refused());
  EXPECT_EQ(v.policy, "anonymous");
  for (int i = 0; i < 200; ++i) ASSERT_FALSE(rl.decide(Tier::kAuthenticated, "sub:a").refused());
  EXPECT_TRUE(rl.decide(Tier::kAuthenticated, "sub:a").refused());
  for (int i = 0; i < 2000; ++i) ASSERT_FALSE(rl.decide(Tier::kVip, "sub:v").refused());
  EXPECT_TRUE(rl.decide(Tier::kVip, "sub:v").refused());
}

TEST(RateLimiter, AppOverridesTheTierRateAndScalesItsBurst) {
  FakeClock clock;
  config::RateLimitConfig cfg;
  MemoryLimiterStore store(1000);
  RateLimiter rl(cfg, store, clock);
  config::AppConfig app;
  app.anonymous_per_minute = 3;       // burst not given: 20 * 3 / 20 = 3
  app.authenticated_per_minute = 50;  // burst 200 * 50 / 100 = 100
  app.vip_burst = 7;
  EXPECT_TRUE(RateLimiter::overrides(&app, Tier::kAnonymous));
  EXPECT_FALSE(RateLimiter::overrides(nullptr, Tier::kAnonymous));
  config::AppConfig plain;
  EXPECT_FALSE(RateLimiter::overrides(&plain, Tier::kVip));
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(rl.decide(Tier::kAnonymous, "ip:a@x", 1, &app).refused()) << i;
  auto v = rl.decide(Tier::kAnonymous, "ip:a@x", 1, &app);
  ASSERT_TRUE(v.refused());
  EXPECT_EQ(v.decision.limit, 3);
  EXPECT_EQ(v.decision.retry_after, seconds(20));  // 60 s / 3
  clock.advance(seconds(20));
  EXPECT_FALSE(rl.decide(Tier::kAnonymous, "ip:a@x", 1, &app).refused());
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(rl.decide(Tier::kAuthenticated, "sub:x/u", 1, &app).refused()) << i;
  EXPECT_TRUE(rl.decide(Tier::kAuthenticated, "sub:x/u", 1, &app).refused());
  for (int i = 0; i < 7; ++i) ASSERT_FALSE(rl.decide(Tier::kVip, "sub:x/v", 1, &app).refused()) << i;
  EXPECT_TRUE(rl.decide(Tier::kVip, "sub:x/v", 1, &app).refused());
  // Without the app the tier's defaults apply.
  for (int i = 0; i < 20; ++i) ASSERT_FALSE(rl.decide(Tier::kAnonymous, "ip:b", 1, &plain).refused()) << i;
  EXPECT_TRUE(rl.decide(Tier::kAnonymous, "ip:b", 1, &plain).refused());
}

TEST(RateLimiter, ShadowModeCountsButDoesNotRefuse) {
  FakeClock clock;
  config::RateLimitConfig cfg;
  cfg.shadow = true;
  MemoryLimiterStore store(1000);
  RateLimiter rl(cfg, store, clock);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(rl.decide(Tier::kAnonymous, "ip:a").outcome, Outcome::kAllowed);
  auto v = rl.decide(Tier::kAnonymous, "ip:a");
  EXPECT_EQ(v.outcome, Outcome::kShadowLimited);
  EXPECT_FALSE(v.refused());
  EXPECT_FALSE(v.decision.allowed);
}

TEST(RateLimiter, DynamicFactorTightensAnonymousUnderPressure) {
  FakeClock clock;
  config::RateLimitConfig cfg;  // dynamic_factor 0.5
  MemoryLimiterStore store(1000);
  double pressure = 1.5;
  RateLimiter rl(cfg, store, clock, [&] { return pressure; });
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(rl.decide(Tier::kAnonymous, "ip:a").refused()) << i;
  EXPECT_TRUE(rl.decide(Tier::kAnonymous, "ip:a").refused());
  EXPECT_DOUBLE_EQ(rl.dynamic_factor(), 0.5);
  // Authenticated callers are not tightened.
  for (int i = 0; i < 200; ++i) ASSERT_FALSE(rl.decide(Tier::kAuthenticated, "sub:a").refused());
  // Pressure falls: after the next sample the full limits are back.
  pressure = 0.4;
  clock.advance(seconds(61));
  EXPECT_DOUBLE_EQ(rl.dynamic_factor(), 1.0);
  for (int i = 0; i < 20; ++i) ASSERT_FALSE(rl.decide(Tier::kAnonymous, "ip:b").refused()) << i;
}

TEST(RateLimiter, BackendUnlimitedByDefaultAndPerAppWhenSet) {
  FakeClock clock;
  config::RateLimitConfig cfg;
  MemoryLimiterStore store(1000);
  RateLimiter rl(cfg, store, clock);
  for (int i = 0; i < 10000; ++i) ASSERT_FALSE(rl.decide_backend("backend_events", "app1", 0).refused());
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(rl.decide_backend("backend_events", "app1", 10).refused());
  EXPECT_TRUE(rl.decide_backend("backend_events", "app1", 10).refused());
  EXPECT_FALSE(rl.decide_backend("backend_events", "app2", 10).refused());
}

TEST(RouteCost, QueriesCostMore) {
  EXPECT_EQ(route_cost(http::Method::kPost, "/v1/apps/a/collections/c/query"), 2);
  EXPECT_EQ(route_cost(http::Method::kGet, "/v1/apps/a/collections/c/docs/d"), 1);
}

TEST(AbuseMonitor, IncidentAtThresholdAndOptionalBan) {
  FakeClock clock;
  AbuseMonitor m(clock, AbuseConfig{3, seconds(600), 100});
  EXPECT_FALSE(m.record("ip:x", Signal::kBadToken));
  EXPECT_FALSE(m.record("ip:x", Signal::kBadSignature));
  EXPECT_EQ(m.banned_for("ip:x").count(), 0);
  EXPECT_TRUE(m.record("ip:x", Signal::kLimitHit));
  EXPECT_EQ(m.incidents_total(), 1u);
  EXPECT_EQ(m.signals(Signal::kBadToken), 1u);
  EXPECT_EQ(m.incident_keys(), std::vector<std::string>{"ip:x"});
  EXPECT_EQ(m.banned_for("ip:x"), seconds(600));
  EXPECT_EQ(m.banned_for("ip:y").count(), 0);
  EXPECT_EQ(m.blocked_keys(), 1u);
  clock.advance(seconds(600));
  EXPECT_EQ(m.banned_for("ip:x").count(), 0);
  EXPECT_FALSE(m.incident_active());
}

TEST(AbuseMonitor, WindowResetsEachMinuteAndNoBanByDefault) {
  FakeClock clock;
  AbuseMonitor m(clock, AbuseConfig{3, seconds(0), 100});
  m.record("k", Signal::kBadToken);
  m.record("k", Signal::kBadToken);
  clock.advance(seconds(60));
  EXPECT_FALSE(m.record("k", Signal::kBadToken));
  EXPECT_FALSE(m.record("k", Signal::kBadToken));
  EXPECT_TRUE(m.record("k", Signal::kBadToken));
  EXPECT_EQ(m.banned_for("k").count(), 0);
}

}  // namespace
}  // namespace headroom::ratelimit
