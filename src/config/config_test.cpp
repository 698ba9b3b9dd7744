#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "config/test_support.hpp"
#include "config/warnings.hpp"

namespace headroom::config {
namespace {

using testing::error_of;

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
  // The rest of DESIGN.md's seed defaults: bursts, VIP tier, scale triggers, daily backups.
  EXPECT_EQ(c.rate_limits.anonymous_burst, 20);
  EXPECT_EQ(c.rate_limits.vip_per_minute, 1000);
  EXPECT_EQ(c.rate_limits.vip_burst, 2000);
  EXPECT_EQ(c.alerts.cpu_ratio, 0.8);
  EXPECT_EQ(c.alerts.memory_ratio, 0.8);
  EXPECT_EQ(c.alerts.latency_p95_ms, 200);
  EXPECT_EQ(c.alerts.quota_ratio, 0.8);
  EXPECT_EQ(c.backup.schedule, "0 3 * * *");
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

// Loopback unless asked; PORT (a container) makes the default every interface; a host in the
// file, HEADROOM_SERVER_HOST or --set always wins.
TEST(Config, ListensOnLoopbackUnlessAHostIsSetOrPortSaysContainer) {
  EXPECT_EQ(load_from_string("").server.host, "127.0.0.1");
  EXPECT_EQ(load_from_string("", {{"PORT", "8080"}}).server.host, "0.0.0.0");
  EXPECT_EQ(load_from_string("", {{"PORT", ""}}).server.host, "127.0.0.1");
  EXPECT_EQ(load_from_string("[server]\nhost = \"10.0.0.5\"\n", {{"PORT", "8080"}}).server.host, "10.0.0.5");
  EXPECT_EQ(load_from_string("", {{"PORT", "8080"}, {"HEADROOM_SERVER_HOST", "127.0.0.1"}}).server.host, "127.0.0.1");
  EXPECT_EQ(load_from_string("", {{"HEADROOM_SERVER_HOST", "::1"}}).server.host, "::1");
  LoadOptions flags;
  flags.file = "/nonexistent/headroom.toml";
  flags.env = {{"PORT", "8080"}};
  flags.sets = {"server.host=127.0.0.2"};
  EXPECT_EQ(load(flags).server.host, "127.0.0.2");
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

TEST(Config, AnAppMaySetAJwtSecretApartFromItsPusherSecret) {
  Config c = load_from_string(
      "[[apps]]\nid=\"a\"\nkey=\"k\"\nsecret=\"pusher-secret-0123456789\"\n"
      "jwt_secret=\"jwt-secret-0123456789abc\"\n"
      "[[apps]]\nid=\"b\"\nkey=\"k2\"\nsecret=\"pusher-secret-abcdefghij\"\n");
  EXPECT_EQ(c.apps[0].jwt_secret, "jwt-secret-0123456789abc");
  EXPECT_EQ(c.apps[1].jwt_secret, "");  // default: the Pusher secret signs tokens too
  std::string printed = to_toml(c);
  EXPECT_EQ(printed.find("jwt-secret-0123456789abc"), std::string::npos);
  EXPECT_NE(printed.find("jwt_secret = '<redacted>'"), std::string::npos);
  EXPECT_NE(printed.find("jwt_secret = ''"), std::string::npos);  // an empty one is shown as empty
  EXPECT_EQ(load_from_string(to_toml(c, false)).apps[0].jwt_secret, "jwt-secret-0123456789abc");
  EXPECT_EQ(error_of("[[apps]]\nid=\"a\"\nkey=\"k\"\nsecret=\"longenough\"\njwt_secret=\"short\"\n"),
            "apps[0].jwt_secret = <redacted>: must be empty (use secret) or at least 8 characters");
}

TEST(Config, WarnsAboutShortAppSecretsByAppNeverBySecret) {
  Config c = load_from_string(
      "[[apps]]\nid=\"weak\"\nkey=\"k\"\nsecret=\"only12chars!\"\njwt_secret=\"jwt-13-chars!\"\n"
      "[[apps]]\nid=\"strong\"\nkey=\"k2\"\nsecret=\"twenty-characters-ok\"\n");
  auto warnings = config_warnings(c);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].rfind("apps[0].secret (app \"weak\"): shorter than 20 characters", 0), 0u) << warnings[0];
  EXPECT_EQ(warnings[1].rfind("apps[0].jwt_secret (app \"weak\"): shorter than 20", 0), 0u) << warnings[1];
  for (const auto& w : warnings) {
    EXPECT_EQ(w.find("only12chars!"), std::string::npos);
    EXPECT_EQ(w.find("jwt-13-chars!"), std::string::npos);
  }
  EXPECT_TRUE(config_warnings(load_from_string("")).empty());
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

namespace headroom::config {
// Regression, found by config_overrides_fuzz: a --set string with invalid UTF-8 loaded, and
// `config print` then wrote it so that it loaded back as different text.
TEST(Config, NonUtf8StringOverrideIsRefusedNotLoaded) {
  EXPECT_EQ(error_of("", {{"HEADROOM_ADMIN_TOKEN",
                           "abc\xbd"
                           "def"}}),
            "admin.token: not valid UTF-8 (config text must be UTF-8)");
  EXPECT_NE(error_of("", {{"HEADROOM_RATE_LIMITS_TRUSTED_PROXIES", "10.0.0.1,\xc3"}}), "");
  EXPECT_EQ(load_from_string("", {{"HEADROOM_ADMIN_TOKEN", "t\xc3\xa9st-token-long-enough"}}).admin.token,
            "t\xc3\xa9st-token-long-enough");
}
}  // namespace headroom::config
