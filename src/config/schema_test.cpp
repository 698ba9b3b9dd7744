// The key declarations (schema.cpp) against what the config did before them and against the docs:
// every key printed as before, read from the file, the environment and back from its own print,
// unknown keys refused everywhere, secrets never shown, docs/configuration.md up to date.
#include "config/schema.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "config/loader.hpp"
#include "config/reference.hpp"
#include "config/test_support.hpp"

namespace headroom::config {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
std::string testdata(const std::string& name) { return read_file(std::string(HEADROOM_CONFIG_TESTDATA) + "/" + name); }

// A node as TOML text, to compare values whatever their type.
std::string text_of(const toml::node* n) {
  if (!n) return "<missing>";
  std::ostringstream out;
  n->visit([&](const auto& v) { out << v; });
  return out.str();
}

using testing::error_of;

// The goldens are what `config print` wrote before the keys were declared once: the same keys,
// values and layout now, redacted or not, for a config that sets every key and for the defaults.
TEST(ConfigSchema, PrintsEveryKeyAsBefore) {
  const Config c = load_from_string(testdata("every_key.toml"));
  EXPECT_EQ(to_toml(c, false), testdata("every_key.printed.toml"));
  EXPECT_EQ(to_toml(c, true), testdata("every_key.redacted.toml"));
  EXPECT_EQ(to_toml(load_from_string(""), true), testdata("defaults.printed.toml"));
}

TEST(ConfigSchema, WhatIsPrintedReadsBackToTheSameConfig) {
  const std::string printed = to_toml(load_from_string(testdata("every_key.toml")), false);
  EXPECT_EQ(to_toml(load_from_string(printed), false), printed);
}

// every_key.toml must set each declared key to something other than its default, so a key added
// to schema.cpp without a test value (or read into the wrong field) fails here.
TEST(ConfigSchema, TheEveryKeyFileSetsEveryDeclaredKeyAwayFromItsDefault) {
  const toml::table every = toml::parse(to_toml(load_from_string(testdata("every_key.toml")), false));
  const toml::table defaults = toml::parse(to_toml(load_from_string(""), false));
  schema::for_each_section([&](const auto& s) {
    for (const auto& key : s.keys) {
      const toml::node* set = every.at_path(std::string(s.name) + "." + key.name).node();
      const toml::node* def = defaults.at_path(std::string(s.name) + "." + key.name).node();
      ASSERT_TRUE(set && def) << s.name << "." << key.name;
      EXPECT_NE(text_of(set), text_of(def)) << s.name << "." << key.name << " is not set away from its default";
    }
  });
  const toml::table* app = every.at_path("apps[0]").as_table();
  ASSERT_TRUE(app);
  for (const auto& key : schema::apps().keys) EXPECT_TRUE(app->contains(key.name)) << key.name;
}

// Each integer and number has a range its default lies in; OneOf only limits strings.
TEST(ConfigSchema, EveryKeyHasAllowedValuesThatFitItsTypeAndDefault) {
  auto check = [](const auto& keys, const auto& defaults, const std::string& where) {
    for (const auto& key : keys) {
      std::visit(
          [&](auto member) {
            const auto& v = defaults.*member;
            using T = std::decay_t<decltype(v)>;
            const std::string what = where + key.name;
            if constexpr (std::is_same_v<T, int> || std::is_same_v<T, int64_t>) {
              const auto* r = std::get_if<IntRange>(&key.allowed);
              ASSERT_TRUE(r) << what << ": an integer needs an IntRange";
              EXPECT_TRUE(r->min <= v && v <= r->max) << what;
            } else if constexpr (std::is_same_v<T, double>) {
              const auto* r = std::get_if<RealRange>(&key.allowed);
              ASSERT_TRUE(r) << what << ": a number needs a RealRange";
              EXPECT_TRUE(r->min <= v && v <= r->max) << what;
            } else if constexpr (std::is_same_v<T, std::string>) {
              if (const auto* one = std::get_if<OneOf>(&key.allowed)) {
                EXPECT_NE(std::find(one->values.begin(), one->values.end(), v), one->values.end()) << what;
              } else {
                EXPECT_TRUE(std::holds_alternative<std::monostate>(key.allowed)) << what;
              }
            } else {
              EXPECT_TRUE(std::holds_alternative<std::monostate>(key.allowed)) << what;
            }
            EXPECT_TRUE((key.shown == Shown::kPlain || std::is_same_v<T, std::string>)) << what;
          },
          key.field);
    }
  };
  const Config defaults;
  schema::for_each_section([&](const auto& s) { check(s.keys, defaults.*s.member, std::string(s.name) + "."); });
  check(schema::history().keys, HistoryRule{}, "channels.history[].");
  check(schema::apps().keys, AppConfig{}, "apps[].");
  check(schema::webhooks().keys, Webhook{}, "apps[].webhooks[].");
  check(schema::collections().keys, CollectionRules{}, "apps[].collections.NAME.");
}

// Every top-level key read from HEADROOM_<SECTION>_<KEY> as a string (arrays comma-separated)
// gives what the file gives.
TEST(ConfigSchema, EveryKeyIsReadFromItsEnvironmentVariable) {
  const toml::table file = toml::parse(testdata("every_key.toml"));
  std::map<std::string, std::string> env;
  schema::for_each_section([&](const auto& s) {
    for (const auto& key : s.keys) {
      const toml::node& n = *file.at_path(std::string(s.name) + "." + key.name).node();
      std::string value;
      if (auto str = n.as_string()) {
        value = str->get();
      } else if (auto arr = n.as_array()) {
        for (const auto& item : *arr) value += (value.empty() ? "" : ",") + item.as_string()->get();
      } else {
        value = text_of(&n);
      }
      env[schema::env_name(s.name, key.name)] = value;
    }
  });
  const toml::table from_env = toml::parse(to_toml(load_from_string("", env), false));
  const toml::table from_file = toml::parse(to_toml(load_from_string(testdata("every_key.toml")), false));
  schema::for_each_section([&](const auto& s) {
    for (const auto& key : s.keys) {
      const std::string path = std::string(s.name) + "." + key.name;
      EXPECT_EQ(text_of(from_env.at_path(path).node()), text_of(from_file.at_path(path).node())) << path;
    }
  });
  EXPECT_EQ(schema::env_name("rate_limits", "anonymous_per_minute"), "HEADROOM_RATE_LIMITS_ANONYMOUS_PER_MINUTE");
}

TEST(ConfigSchema, UnknownKeysAreRefusedInEverySectionAndTable) {
  const std::string app = "[[apps]]\nid=\"a\"\nkey=\"k\"\nsecret=\"longenough\"\n";
  schema::for_each_section([&](const auto& s) {
    EXPECT_EQ(error_of(fmt::format("[{}]\nno_such_key = 1\n", s.name)),
              fmt::format("{}.no_such_key: unknown key", s.name));
  });
  EXPECT_EQ(error_of("", {{"HEADROOM_CACHE_ENABELD", "true"}}), "cache.enabeld: unknown key");
  EXPECT_EQ(error_of(app + "colour = 1\n"), "apps[0].colour: unknown key");
  EXPECT_EQ(error_of("[[channels.history]]\nprefix = \"chat-\"\nsizes = 5\n"),
            "channels.history[0].sizes: unknown key");
  EXPECT_EQ(error_of(app + "[[apps.webhooks]]\nurl = \"http://h/\"\nevents = []\n"),
            "apps[0].webhooks[0].events: unknown key");
  EXPECT_EQ(error_of(app + "[apps.collections.posts]\nraed = \"public\"\n"),
            "apps[0].collections.posts.raed: unknown key");
  EXPECT_EQ(error_of("[channels]\nhistory = 5\n"),
            "channels.history: expected an array of tables ([[channels.history]])");
  EXPECT_EQ(error_of("[[channels]]\n"), "channels: expected a table ([channels])");
}

TEST(ConfigSchema, ASecretIsNeverPrintedNorShownInAnError) {
  const Config c = load_from_string(testdata("every_key.toml"));
  const std::string printed = to_toml(c);
  for (const std::string secret : {"every-key-admin-token-0123456789", "every-key-secret-0123456789",
                                   "every-key-jwt-secret-0123456789", "second-secret"}) {
    EXPECT_EQ(printed.find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(error_of("[admin]\ntoken = 1234567890123456789\n"), "admin.token = <redacted>: expected a string");
  EXPECT_EQ(
      error_of("[[apps]]\nid=\"a\"\nkey=\"k\"\nsecret=12345678901\n"),
      "apps[0].secret = <redacted>: expected a string; apps[0].secret = <redacted>: must be at least 8 characters");
  EXPECT_EQ(error_of("", {{"HEADROOM_ADMIN_TOKEN", "short-token"}}),
            "admin.token = <redacted>: must be at least 16 characters");
}

TEST(ConfigSchema, TheReferenceNamesEveryKeyWithItsEnvironmentVariable) {
  const std::string docs = reference_markdown();
  schema::for_each_section([&](const auto& s) {
    for (const auto& key : s.keys) {
      EXPECT_NE(docs.find(fmt::format("| `{}.{}` |", s.name, key.name)), std::string::npos) << key.name;
      EXPECT_NE(docs.find(fmt::format("`{}`", schema::env_name(s.name, key.name))), std::string::npos) << key.name;
    }
  });
  EXPECT_NE(docs.find("| `server.port` | integer | `8080` | 0 to 65535 | `HEADROOM_SERVER_PORT` |"), std::string::npos);
  EXPECT_NE(docs.find("| `apps[].secret` | string, *secret* | `\"\"` |"), std::string::npos);
  EXPECT_NE(docs.find("| `apps[].collections.NAME.read` | string | `\"authenticated\"` |"), std::string::npos);
  EXPECT_NE(docs.find("| `channels.history[].size` | integer | `100` |"), std::string::npos);
}

TEST(ConfigSchema, DocsConfigurationMdIsTheGeneratedReference) {
  const std::string path = std::string(HEADROOM_SOURCE_DIR) + "/docs/configuration.md";
  EXPECT_TRUE(read_file(path) == reference_markdown())
      << path << " differs from the key declarations in src/config/schema.cpp. Regenerate it:\n"
      << "  build/src/app/headroom config docs > docs/configuration.md";
}

}  // namespace
}  // namespace headroom::config
