#include "app/reload_policy.hpp"

#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "ops/config_diff.hpp"

namespace headroom::app {
namespace {

TEST(ReloadPolicy, SafeKeysApplyTheRestKeepTheirRunningValue) {
  config::Config running;
  running.apps.push_back({});
  running.apps[0].id = "a";
  config::Config next = running;
  next.server.port = 9999;
  next.websocket.max_payload_bytes = 1;
  next.data.dir = "/elsewhere";
  next.rate_limits.anonymous_per_minute = 5;
  next.rate_limits.max_keys = 7;
  next.alerts.webhook = "http://127.0.0.1:1/hook";
  next.alerts.eval_interval_ms = 1;
  next.apps[0].secret = "rotated";
  next.apps[0].jwt_secret = "rotated-apart";  // tokens rotate live, like the secret
  const auto changed = ops::changed_config_keys(config::to_toml(running, false), config::to_toml(next, false));
  ReloadPlan plan = plan_reload(running, next, changed);
  EXPECT_EQ(plan.applied, (std::vector<std::string>{"alerts.webhook", "apps[0].jwt_secret", "apps[0].secret",
                                                    "rate_limits.anonymous_per_minute"}));
  EXPECT_EQ(plan.needs_restart, (std::vector<std::string>{"alerts.eval_interval_ms", "data.dir", "rate_limits.max_keys",
                                                          "server.port", "websocket.max_payload_bytes"}));
  EXPECT_EQ(next.server.port, running.server.port);
  EXPECT_EQ(next.data.dir, running.data.dir);
  EXPECT_EQ(next.websocket.max_payload_bytes, running.websocket.max_payload_bytes);
  EXPECT_EQ(next.rate_limits.max_keys, running.rate_limits.max_keys);
  EXPECT_EQ(next.alerts.eval_interval_ms, running.alerts.eval_interval_ms);
  EXPECT_EQ(next.rate_limits.anonymous_per_minute, 5);
  EXPECT_EQ(next.apps[0].secret, "rotated");
  EXPECT_EQ(next.alerts.webhook, "http://127.0.0.1:1/hook");
}

TEST(ReloadPolicy, AddedAppsAndBackupScheduleApplyLive) {
  EXPECT_TRUE(applies_live("apps[3].collections.\"notes\".read"));
  EXPECT_TRUE(applies_live("backup.schedule"));
  EXPECT_TRUE(applies_live("rate_limits.shadow"));
  EXPECT_FALSE(applies_live("backup.dir"));
  EXPECT_FALSE(applies_live("cache.max_bytes"));
  EXPECT_FALSE(applies_live("server.threads"));
}

}  // namespace
}  // namespace headroom::app
