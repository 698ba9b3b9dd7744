#include "ratelimit/module.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace headroom::ratelimit {
namespace {

using std::chrono::seconds;

std::string header(const http::Request& req, std::string_view name) {
  for (const auto& [k, v] : req.response_headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

http::Request get(std::string path, std::string ip = "203.0.113.5") {
  http::Request r;
  r.method = http::Method::kGet;
  r.path = std::move(path);
  r.remote_ip = std::move(ip);
  return r;
}

struct Fixture : ::testing::Test {
  config::Config config;
  metrics::Registry metrics;
  FakeClock clock;
  double pressure = 0;
  std::unique_ptr<RateLimitModule> module;
  void make() {
    module = std::make_unique<RateLimitModule>(config, metrics, clock, [this] { return pressure; });
  }
  std::optional<http::Response> call(http::Request& r) { return module->filter(r); }
};

TEST_F(Fixture, TwentyFirstAnonymousRequestGets429WithHeaders) {
  make();
  for (int i = 0; i < 20; ++i) {
    auto r = get("/v1/apps/app1/collections/c/docs/d");
    ASSERT_FALSE(call(r).has_value()) << i;
    EXPECT_EQ(header(r, "RateLimit-Limit"), "20");
    EXPECT_EQ(header(r, "RateLimit-Remaining"), std::to_string(19 - i));
  }
  auto r = get("/v1/apps/app1/collections/c/docs/d");
  auto res = call(r);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 429);
  EXPECT_NE(res->body.find("RESOURCE_EXHAUSTED"), std::string::npos);
  EXPECT_EQ(header(r, "Retry-After"), "3");
  EXPECT_EQ(header(r, "RateLimit-Remaining"), "0");
  EXPECT_EQ(header(r, "RateLimit-Reset"), "60");
  EXPECT_EQ(metrics.value("headroom_rate_limited_total", {{"tier", "anonymous"}, {"scope", "ip"}}), 1);
  EXPECT_EQ(metrics.value("headroom_ratelimit_decisions_total", {{"policy", "anonymous"}, {"result", "allowed"}}), 20);
  clock.advance(seconds(3));
  auto again = get("/v1/apps/app1/collections/c/docs/d");
  EXPECT_FALSE(call(again).has_value());
}

TEST_F(Fixture, OtherPathsAreNotLimited) {
  make();
  for (int i = 0; i < 50; ++i) {
    auto r = get("/metrics");
    ASSERT_FALSE(call(r).has_value());
    EXPECT_TRUE(r.response_headers.empty());
  }
}

TEST_F(Fixture, ShadowModeLetsItThrough) {
  config.rate_limits.shadow = true;
  make();
  for (int i = 0; i < 25; ++i) {
    auto r = get("/v1/apps/app1/collections/c/docs/d");
    ASSERT_FALSE(call(r).has_value());
  }
  EXPECT_EQ(
      metrics.value("headroom_ratelimit_decisions_total", {{"policy", "anonymous"}, {"result", "shadow_limited"}}), 5);
  EXPECT_EQ(metrics.sum("headroom_rate_limited_total"), 0);
}

TEST_F(Fixture, AuthenticatedBySubjectNotByIp) {
  make();
  for (int i = 0; i < 200; ++i) {
    auto r = get("/v1/apps/app1/collections/c/docs/d");
    r.tier = http::Tier::kAuthenticated;
    r.subject = i % 2 ? "alice" : "bob";
    ASSERT_FALSE(call(r).has_value()) << i;
  }
  auto r = get("/v1/apps/app1/collections/c/docs/d");
  r.tier = http::Tier::kAuthenticated;
  r.subject = "carol";
  EXPECT_FALSE(call(r).has_value());
  EXPECT_EQ(header(r, "RateLimit-Limit"), "200");
}

TEST_F(Fixture, ServerTierIsNeverLimitedByCallerTiers) {
  make();
  for (int i = 0; i < 500; ++i) {
    auto r = get("/v1/apps/app1/collections/c/docs/d");
    r.tier = http::Tier::kServer;
    ASSERT_FALSE(call(r).has_value());
  }
}

TEST_F(Fixture, SignedPusherCallsUseTheAppsBackendLimits) {
  config::AppConfig app;
  app.id = "app1";
  app.key = "key1";
  app.max_backend_events_per_sec = 5;
  config.apps.push_back(app);
  make();
  auto pusher = [] {
    auto r = get("/apps/app1/events");
    r.method = http::Method::kPost;
    r.query = "auth_key=key1&auth_timestamp=1&auth_version=1.0&auth_signature=x";
    return r;
  };
  for (int i = 0; i < 5; ++i) {
    auto r = pusher();
    ASSERT_FALSE(call(r).has_value()) << i;
  }
  auto r = pusher();
  auto res = call(r);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(metrics.value("headroom_rate_limited_total", {{"tier", "server"}, {"scope", "app"}}), 1);
}

TEST_F(Fixture, AppWithItsOwnAnonymousLimitKeepsOtherAppsOnTheDefault) {
  config::AppConfig tight;
  tight.id = "tight";
  tight.key = "kt";
  tight.anonymous_per_minute = 3;
  config::AppConfig normal;
  normal.id = "normal";
  normal.key = "kn";
  config.apps = {tight, normal};
  make();
  for (int i = 0; i < 3; ++i) {
    auto r = get("/v1/apps/tight/collections/c/docs/d");
    ASSERT_FALSE(call(r).has_value()) << i;
    EXPECT_EQ(header(r, "RateLimit-Limit"), "3");
  }
  auto r = get("/v1/apps/tight/collections/c/docs/d");
  auto res = call(r);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(header(r, "Retry-After"), "20");
  // The same IP on the other app still has the default 20.
  for (int i = 0; i < 20; ++i) {
    auto n = get("/v1/apps/normal/collections/c/docs/d");
    ASSERT_FALSE(call(n).has_value()) << i;
    EXPECT_EQ(header(n, "RateLimit-Limit"), "20");
  }
}

TEST_F(Fixture, ForwardedForTrustedOnlyFromProxies) {
  config.rate_limits.trusted_proxies = {"10.0.0.0/8"};
  make();
  for (int i = 0; i < 20; ++i) {
    auto r = get("/v1/apps/a/x", "10.0.0.1");
    r.headers.emplace_back("x-forwarded-for", "198.51.100." + std::to_string(i));
    ASSERT_FALSE(call(r).has_value());
  }
  // 20 different clients behind the proxy: the proxy itself is not limited as one caller.
  auto direct = get("/v1/apps/a/x", "10.0.0.1");
  EXPECT_EQ(module->caller_key(direct, "a"), "ip:10.0.0.1");
  auto spoof = get("/v1/apps/a/x", "203.0.113.1");
  spoof.headers.emplace_back("x-forwarded-for", "1.1.1.1");
  EXPECT_EQ(module->caller_key(spoof, "a"), "ip:203.0.113.1");
}

TEST_F(Fixture, DynamicFactorHalvesAnonymousUnderPressure) {
  pressure = 2.0;
  make();
  for (int i = 0; i < 10; ++i) {
    auto r = get("/v1/apps/a/x");
    ASSERT_FALSE(call(r).has_value()) << i;
  }
  auto r = get("/v1/apps/a/x");
  EXPECT_TRUE(call(r).has_value());
  EXPECT_NE(metrics.render().find("headroom_ratelimit_dynamic_factor 0.5"), std::string::npos);
}

TEST_F(Fixture, RepeatedLimitHitsBanWhenConfigured) {
  config.rate_limits.abuse_threshold_per_minute = 5;
  config.rate_limits.ban_seconds = 600;
  make();
  for (int i = 0; i < 25; ++i) {
    auto r = get("/v1/apps/a/x");
    (void)call(r);
  }
  auto r = get("/v1/apps/a/x");
  auto res = call(r);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(header(r, "Retry-After"), "600");
  EXPECT_NE(metrics.render().find("headroom_blocked_keys 1"), std::string::npos);
}

TEST_F(Fixture, FailedSignaturesBanTheIpEvenOnCallsNamingTheAppKey) {
  config::AppConfig app;
  app.id = "app1";
  app.key = "key1";
  config.apps.push_back(app);
  config.rate_limits.abuse_threshold_per_minute = 3;
  config.rate_limits.ban_seconds = 60;
  make();
  auto pusher = [] {
    auto r = get("/apps/app1/events", "198.51.100.9");
    r.method = http::Method::kPost;
    r.query = "auth_key=key1&auth_timestamp=1&auth_version=1.0&auth_signature=forged";
    return r;
  };
  for (int i = 0; i < 3; ++i) {
    auto r = pusher();
    ASSERT_FALSE(call(r).has_value()) << i;  // the handler answers 401 and reports:
    module->abuse().record(module->caller_key(r, {}), Signal::kBadSignature);
  }
  auto r = pusher();
  auto res = call(r);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(module->abuse().signals(Signal::kBadSignature), 3u);
  // Another IP with the same app key is not affected.
  auto other = get("/apps/app1/events", "198.51.100.10");
  other.method = http::Method::kPost;
  other.query = r.query;
  EXPECT_FALSE(call(other).has_value());
}

TEST_F(Fixture, BearerTokensLeftAnonymousCountAsBadTokens) {
  make();
  auto r = get("/v1/apps/a/x");
  r.headers.emplace_back("authorization", "Bearer not-a-valid-token");
  (void)call(r);
  auto ok = get("/v1/apps/a/x");
  ok.headers.emplace_back("authorization", "Bearer good");
  ok.tier = http::Tier::kAuthenticated;
  ok.subject = "alice";
  (void)call(ok);
  EXPECT_EQ(module->abuse().signals(Signal::kBadToken), 1u);
  EXPECT_NE(metrics.render().find("headroom_security_signals_total{signal=\"bad_token\"} 1"), std::string::npos);
}

// SIGHUP (docs/operations.md): the new policy applies to the next decision; buckets keep their state.
int allowed_before_429(RateLimitModule& m, const std::string& path, const std::string& ip) {
  for (int i = 0; i < 1000; ++i) {
    auto r = get(path, ip);
    if (m.filter(r).has_value()) return i;
  }
  return -1;
}

TEST_F(Fixture, ReloadLowersTheAnonymousLimitForTheNextDecision) {
  make();
  auto first = get("/v1/apps/a/x", "198.51.100.1");
  ASSERT_FALSE(call(first).has_value());
  EXPECT_EQ(header(first, "RateLimit-Limit"), "20");
  config::Config next = config;
  next.rate_limits.anonymous_per_minute = 5;
  next.rate_limits.anonymous_burst = 5;
  module->reload(next);
  EXPECT_EQ(allowed_before_429(*module, "/v1/apps/a/x", "198.51.100.2"), 5);  // a new caller
  auto again = get("/v1/apps/a/x", "198.51.100.1");                           // the old bucket, new limit
  (void)call(again);
  EXPECT_EQ(header(again, "RateLimit-Limit"), "5");
}

TEST_F(Fixture, ReloadAddsAPerAppOverrideAndShadowMode) {
  make();
  config::Config next = config;
  config::AppConfig tight;
  tight.id = "tight";
  tight.anonymous_per_minute = 3;
  next.apps.push_back(tight);
  module->reload(next);
  EXPECT_EQ(allowed_before_429(*module, "/v1/apps/tight/x", "198.51.100.3"), 3);
  config::Config shadow = next;
  shadow.rate_limits.shadow = true;
  module->reload(shadow);
  EXPECT_EQ(allowed_before_429(*module, "/v1/apps/tight/x", "198.51.100.3"), -1);  // counted, not enforced
  EXPECT_GT(
      metrics.value("headroom_ratelimit_decisions_total", {{"policy", "anonymous"}, {"result", "shadow_limited"}}), 0);
}

TEST_F(Fixture, ReloadTurnsBansAndTrustedProxiesOnAndOff) {
  make();
  config::Config next = config;
  next.rate_limits.abuse_threshold_per_minute = 2;
  next.rate_limits.ban_seconds = 600;
  next.rate_limits.trusted_proxies = {"10.0.0.0/8"};
  module->reload(next);
  auto via_proxy = get("/v1/apps/a/x", "10.0.0.1");
  via_proxy.headers.emplace_back("x-forwarded-for", "192.0.2.7");
  EXPECT_EQ(module->caller_key(via_proxy, "a"), "ip:192.0.2.7");
  EXPECT_EQ(allowed_before_429(*module, "/v1/apps/a/x", "198.51.100.4"), 20);
  (void)allowed_before_429(*module, "/v1/apps/a/x", "198.51.100.4");  // second limit hit: banned
  auto banned = get("/v1/apps/a/x", "198.51.100.4");
  auto res = call(banned);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 403);
  config::Config off = next;
  off.rate_limits.ban_seconds = 0;
  off.rate_limits.trusted_proxies.clear();
  module->reload(off);
  EXPECT_EQ(module->caller_key(via_proxy, "a"), "ip:10.0.0.1");
  auto unbanned = get("/v1/apps/a/x", "198.51.100.4");
  auto after = call(unbanned);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->status, 429);  // bans off: limited, no longer blocked
}

// Readers on many event loops while SIGHUP swaps the policy (run under TSan: make test-tsan).
TEST_F(Fixture, ReloadWhileOtherThreadsDecide) {
  make();
  std::vector<config::Config> configs(20, config);
  for (size_t i = 0; i < configs.size(); ++i) {
    configs[i].rate_limits.anonymous_per_minute = 5 + static_cast<int>(i);
    configs[i].rate_limits.anonymous_burst = 5 + static_cast<int>(i);
    configs[i].rate_limits.shadow = i % 2 == 1;
    configs[i].rate_limits.trusted_proxies = {"10.0.0.0/8"};
    configs[i].apps.push_back({});
    configs[i].apps.back().id = "a";
    configs[i].apps.back().anonymous_per_minute = 3;
  }
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        auto r = get(i % 2 ? "/v1/apps/a/x" : "/v1/apps/b/x", "198.51.100." + std::to_string(t));
        (void)module->filter(r);
      }
    });
  }
  for (const auto& c : configs) module->reload(c);
  stop = true;
  for (auto& th : readers) th.join();
  auto r = get("/v1/apps/b/x", "203.0.113.77");
  (void)call(r);
  EXPECT_EQ(header(r, "RateLimit-Limit"), "24");  // the last config's limit
}

}  // namespace
}  // namespace headroom::ratelimit
