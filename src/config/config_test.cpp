#include <gtest/gtest.h>

#include "config/loader.hpp"

namespace headroom::config {
namespace {

std::string error_of(const std::string& text, const std::map<std::string, std::string>& env = {}) {
  try {
    load_from_string(text, env);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, DefaultsAreTheSeedsNumbers) {
  Config c = load_from_string("");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.server.max_concurrent_requests, 80);
  EXPECT_EQ(c.server.shutdown_grace_ms, 10000);
  EXPECT_EQ(c.websocket.max_connections, 1000);
  EXPECT_EQ(c.websocket.max_channels_per_connection, 10);
  EXPECT_EQ(c.websocket.max_messages_per_second, 100);
  EXPECT_EQ(c.rate_limits.anonymous_per_minute, 20);
  EXPECT_EQ(c.rate_limits.authenticated_per_minute, 100);
  EXPECT_EQ(c.rate_limits.authenticated_burst, 200);
  EXPECT_EQ(c.cache.max_bytes, 100 << 20);
  EXPECT_EQ(c.cache.ttl_s, 300);
  EXPECT_EQ(c.quotas.reads_per_day, 50000);
  EXPECT_EQ(c.quotas.writes_per_day, 20000);
  EXPECT_EQ(c.quotas.deletes_per_day, 5000);
}

TEST(Config, FileThenEnvThenPort) {
  Config c =
      load_from_string("[server]\nport = 9000\nmax_concurrent_requests = 10\n",
                       {{"HEADROOM_SERVER_MAX_CONCURRENT_REQUESTS", "12"}, {"HEADROOM_RATE_LIMITS_SHADOW", "true"}});
  EXPECT_EQ(c.server.port, 9000);
  EXPECT_EQ(c.server.max_concurrent_requests, 12);
  EXPECT_TRUE(c.rate_limits.shadow);
  Config p = load_from_string("[server]\nport = 9000\n", {{"PORT", "7000"}});
  EXPECT_EQ(p.server.port, 7000);
}

TEST(Config, ErrorsNameKeyValueAndWhatIsAllowed) {
  EXPECT_EQ(error_of("[server]\nport = 70000\n"), "server.port = 70000: must be between 0 and 65535");
  EXPECT_EQ(error_of("[server]\nprot = 1\n"), "server.prot: unknown key");
  EXPECT_EQ(error_of("[log]\nlevel = \"loud\"\n"),
            "log.level = \"loud\": must be one of trace, debug, info, warn, error, off");
  EXPECT_EQ(error_of("", {{"HEADROOM_SERVER_PORT", "eighty"}}),
            "server.port = \"eighty\": expected an integer between 0 and 65535");
  EXPECT_NE(error_of("[servr]\n").find("servr: unknown section"), std::string::npos);
  EXPECT_NE(error_of("[server\n").find("line 1"), std::string::npos);
}

TEST(Config, AppsAreValidatedAndFoundByIdAndKey) {
  const char* text = R"(
[[apps]]
id = "app1"
key = "key1"
secret = "supersecret"
[[apps.webhooks]]
url = "http://127.0.0.1:9/hook"
event_types = ["channel_occupied"]
[apps.collections.posts]
read = "public"
write = "owner"
)";
  Config c = load_from_string(text);
  ASSERT_EQ(c.apps.size(), 1u);
  EXPECT_EQ(c.app_by_key("key1")->id, "app1");
  EXPECT_EQ(c.rules_for(*c.app_by_id("app1"), "posts").write, "owner");
  EXPECT_EQ(c.rules_for(*c.app_by_id("app1"), "other").read, "authenticated");
  EXPECT_EQ(c.apps[0].webhooks[0].event_types[0], "channel_occupied");
  EXPECT_NE(error_of("[[apps]]\nid=\"a\"\nkey=\"k\"\nsecret=\"short\"\n").find("apps[0].secret"), std::string::npos);
  EXPECT_NE(error_of("[[apps]]\nid=\"a\"\nkey=\"k\"\nsecret=\"longenough\"\n[apps.collections.x]\nread=\"all\"\n")
                .find("apps[0].collections.x.read = \"all\": must be one of public"),
            std::string::npos);
}

TEST(Config, AppsMayOverrideTheCallerTiers) {
  Config c = load_from_string(
      "[[apps]]\nid=\"a\"\nkey=\"k\"\nsecret=\"topsecret1\"\nanonymous_per_minute = 3\nvip_burst = 50\n"
      "[[apps]]\nid=\"b\"\nkey=\"k2\"\nsecret=\"topsecret2\"\n");
  EXPECT_EQ(c.apps[0].anonymous_per_minute, 3);
  EXPECT_EQ(c.apps[0].anonymous_burst, 0);  // 0: derived from the tier
  EXPECT_EQ(c.apps[0].vip_burst, 50);
  EXPECT_EQ(c.apps[1].anonymous_per_minute, 0);
  Config again = load_from_string(to_toml(c, false));
  EXPECT_EQ(again.apps[0].anonymous_per_minute, 3);
  EXPECT_EQ(again.apps[0].vip_burst, 50);
  EXPECT_NE(error_of("[[apps]]\nid=\"a\"\nkey=\"k\"\nsecret=\"longenough\"\nanonymous_per_minute = -1\n")
                .find("apps[0].anonymous_per_minute"),
            std::string::npos);
}

TEST(Config, PrintRedactsSecrets) {
  Config c = load_from_string(
      "[admin]\ntoken = \"0123456789abcdefXYZ\"\n[[apps]]\nid=\"a\"\nkey=\"k\"\nsecret=\"topsecret1\"\n");
  std::string printed = to_toml(c);
  EXPECT_EQ(printed.find("topsecret1"), std::string::npos);
  EXPECT_EQ(printed.find("0123456789abcdefXYZ"), std::string::npos);
  EXPECT_NE(printed.find("<redacted>"), std::string::npos);
  // What was printed unredacted parses back to the same config.
  Config again = load_from_string(to_toml(c, false));
  EXPECT_EQ(again.apps[0].secret, "topsecret1");
}

}  // namespace
}  // namespace headroom::config

namespace headroom::config {
// Regression, found by config_fuzz: a bare non-ASCII character where toml++ expects a key.
TEST(Config, NonAsciiBareCharacterIsAParseErrorNotACrash) {
  EXPECT_THROW(load_from_string("IN\xc4\xb0: RunningINF"), ConfigError);
  EXPECT_THROW(load_from_string("\xc4\xb0 = 1"), ConfigError);
}
}  // namespace headroom::config

namespace headroom::config {
// Regression, found by config_overrides_fuzz: NaN compares false with both bounds, so
// HEADROOM_ALERTS_CPU_RATIO=nan (or cpu_ratio = nan in the file) passed the range check and an
// alert that can never fire was loaded.
TEST(Config, NanOverrideIsRefusedNotLoaded) {
  EXPECT_EQ(error_of("", {{"HEADROOM_ALERTS_CPU_RATIO", "nan"}}), "alerts.cpu_ratio = nan: must be between 0 and 1");
  EXPECT_NE(error_of("[alerts]\ncpu_ratio = nan\n"), "");
  EXPECT_NE(error_of("", {{"HEADROOM_ALERTS_CPU_RATIO", "inf"}}), "");
  // Numbers from strings are read as strictly as integers: no blanks, no '+', no hex.
  EXPECT_NE(error_of("", {{"HEADROOM_ALERTS_CPU_RATIO", " 0.5"}}), "");
  EXPECT_NE(error_of("", {{"HEADROOM_ALERTS_CPU_RATIO", "0x1p-1"}}), "");
  EXPECT_DOUBLE_EQ(load_from_string("", {{"HEADROOM_ALERTS_CPU_RATIO", "0.25"}}).alerts.cpu_ratio, 0.25);
  EXPECT_DOUBLE_EQ(load_from_string("", {{"HEADROOM_ALERTS_CPU_RATIO", "1e-3"}}).alerts.cpu_ratio, 0.001);
}
}  // namespace headroom::config
