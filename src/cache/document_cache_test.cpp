#include "cache/document_cache.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace headroom::cache {
namespace {

Value bytes(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

struct DocCacheTest : ::testing::Test {
  FakeClock clock;
  config::CacheConfig config;
};

TEST_F(DocCacheTest, DocWriteDropsTheDocAndTheCollectionsQueriesOnly) {
  DocumentCache c(config, clock);
  auto t = c.begin_read();
  ASSERT_EQ(c.fill_doc("app", "users", "u1", t, bytes("{u1}")), FillResult::kStored);
  ASSERT_EQ(c.fill_doc("app", "users", "u2", t, bytes("{u2}")), FillResult::kStored);
  ASSERT_EQ(c.fill_query("app", "users", "where age>3", t, bytes("[..]")), FillResult::kStored);
  ASSERT_EQ(c.fill_query("app", "posts", "all", t, bytes("[p]")), FillResult::kStored);
  c.invalidate_doc("app", "users", "u1");
  EXPECT_EQ(c.get_doc("app", "users", "u1"), nullptr);
  EXPECT_NE(c.get_doc("app", "users", "u2"), nullptr);
  EXPECT_EQ(c.get_query("app", "users", "where age>3"), nullptr);
  EXPECT_NE(c.get_query("app", "posts", "all"), nullptr);
  c.invalidate_collection("app", "users");
  EXPECT_EQ(c.get_doc("app", "users", "u2"), nullptr);
  // A slow read that began before the write cannot refill the old bytes.
  EXPECT_EQ(c.fill_doc("app", "users", "u1", t, bytes("{old}")), FillResult::kStale);
}

TEST_F(DocCacheTest, DisabledCacheStoresNothing) {
  config.enabled = false;
  DocumentCache c(config, clock);
  EXPECT_EQ(c.fill_doc("a", "c", "d", c.begin_read(), bytes("x")), FillResult::kRejected);
  EXPECT_EQ(c.get_doc("a", "c", "d"), nullptr);
}

TEST_F(DocCacheTest, InvalidationsReachOtherInstances) {
  auto bus = std::make_shared<InProcessInvalidationBus>();
  DocumentCache a(config, clock, bus->endpoint());
  DocumentCache b(config, clock, bus->endpoint());
  ASSERT_EQ(b.fill_doc("app", "c", "d", b.begin_read(), bytes("v1")), FillResult::kStored);
  ASSERT_EQ(b.fill_query("app", "c", "q", b.begin_read(), bytes("r1")), FillResult::kStored);
  a.invalidate_doc("app", "c", "d");
  EXPECT_EQ(b.get_doc("app", "c", "d"), nullptr);
  EXPECT_EQ(b.get_query("app", "c", "q"), nullptr);
}

TEST_F(DocCacheTest, WarmRestartRoundTrip) {
  DocumentCache c(config, clock);
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j <= i; ++j) (void)c.get_doc("app", "col", "d" + std::to_string(i));
    ASSERT_EQ(c.fill_doc("app", "col", "d" + std::to_string(i), c.begin_read(), bytes("x")), FillResult::kStored);
  }
  (void)c.get_query("app", "col", "a\tb\nc");
  ASSERT_EQ(c.fill_query("app", "col", "a\tb\nc", c.begin_read(), bytes("y")), FillResult::kStored);
  const std::string path = (std::filesystem::temp_directory_path() / "headroom_hot_keys_test.tsv").string();
  ASSERT_TRUE(c.save_hot_keys(path, 3).is_ok());
  auto loaded = DocumentCache::load_hot_keys(path);
  ASSERT_TRUE(loaded.is_ok());
  ASSERT_EQ(loaded->size(), 3u);
  EXPECT_EQ((*loaded)[0], (HotEntry{HotEntry::Kind::kDoc, "app", "col", "d4"}));
  ASSERT_TRUE(c.save_hot_keys(path, 100).is_ok());
  loaded = DocumentCache::load_hot_keys(path);
  ASSERT_TRUE(loaded.is_ok());
  bool found_query = false;
  for (const auto& e : *loaded) found_query |= e == HotEntry{HotEntry::Kind::kQuery, "app", "col", "a\tb\nc"};
  EXPECT_TRUE(found_query);
  std::filesystem::remove(path);
  EXPECT_FALSE(DocumentCache::load_hot_keys(path).is_ok());
}

TEST_F(DocCacheTest, MetricsAndStatsJson) {
  DocumentCache c(config, clock);
  metrics::Registry metrics;
  c.register_metrics(metrics);
  (void)c.get_doc("app", "users", "u1");
  ASSERT_EQ(c.fill_doc("app", "users", "u1", c.begin_read(), bytes("{}")), FillResult::kStored);
  (void)c.get_doc("app", "users", "u1");
  (void)c.get_doc("app", "users", "u1");
  const std::string text = metrics.render();
  EXPECT_NE(text.find("headroom_cache_hits_total 2"), std::string::npos) << text;
  EXPECT_NE(text.find("headroom_cache_misses_total 1"), std::string::npos);
  EXPECT_NE(text.find("headroom_cache_entries 1"), std::string::npos);
  EXPECT_NE(text.find("headroom_cache_collection_hit_ratio{app=\"app\",collection=\"users\"} 0.66"), std::string::npos)
      << text;
  const std::string json = c.stats_json("app");
  EXPECT_NE(json.find("\"users\":{\"hits\":2,\"misses\":1"), std::string::npos) << json;
  EXPECT_NE(c.stats_json("other").find("\"collections\":{}"), std::string::npos);
}

}  // namespace
}  // namespace headroom::cache

namespace headroom::cache {
// Regression, found by cache_hot_keys_fuzz: a line whose app held the key separator (0x1f)
// loaded, then went into the cache under a key that saved back as a different entry.
TEST(WarmRestart, LinesWhoseNamesHoldTheKeySeparatorAreSkipped) {
  const std::string path = (std::filesystem::temp_directory_path() / "headroom_hot_keys_sep_test.tsv").string();
  {
    std::ofstream out(path, std::ios::trunc);
    out << "doc\ta\x1f"
           "b\tc\tid\n"
        << "doc\tapp\tc\x1f"
           "d\tid\n"
        << "doc\tapp\tposts\tid\x1f"
           "x\n";
  }
  auto loaded = DocumentCache::load_hot_keys(path);
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0], (HotEntry{HotEntry::Kind::kDoc, "app", "posts",
                                    "id\x1f"
                                    "x"}));
  std::filesystem::remove(path);
}
}  // namespace headroom::cache
