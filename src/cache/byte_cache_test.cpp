#include "cache/byte_cache.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace headroom::cache {
namespace {

using std::chrono::seconds;

Value val(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

CacheOptions small(int64_t bytes) {
  CacheOptions o;
  o.max_bytes = bytes;
  o.shards = 1;
  o.ttl = seconds(300);
  return o;
}

FillResult put(ByteCache& c, const std::string& k, std::string v, std::string tag = "") {
  return c.fill(k, tag, c.begin_read(), val(std::move(v)));
}

TEST(ByteCache, HitMissAndStats) {
  FakeClock clock;
  ByteCache c(clock, small(1 << 20));
  EXPECT_EQ(c.get("a", "col"), nullptr);
  EXPECT_EQ(put(c, "a", "hello", "col"), FillResult::kStored);
  ASSERT_NE(c.get("a", "col"), nullptr);
  EXPECT_EQ(*c.get("a", "col"), "hello");
  auto s = c.stats();
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.entries, 1u);
  EXPECT_EQ(s.bytes, static_cast<int64_t>(1 + 3 + 5 + ByteCache::kEntryOverhead));
  EXPECT_EQ(s.by_tag["col"].hits, 2u);
  EXPECT_NEAR(s.by_tag["col"].hit_ratio(), 2.0 / 3.0, 1e-9);
}

TEST(ByteCache, TtlExpiresWithTheInjectedClock) {
  FakeClock clock;
  ByteCache c(clock, small(1 << 20));
  ASSERT_EQ(put(c, "a", "v"), FillResult::kStored);
  clock.advance(seconds(299));
  EXPECT_NE(c.get("a"), nullptr);
  clock.advance(seconds(1));
  EXPECT_EQ(c.get("a"), nullptr);
  EXPECT_EQ(c.stats().expirations, 1u);
  EXPECT_EQ(c.stats().bytes, 0);
}

TEST(ByteCache, ByteBoundIsNeverExceeded) {
  FakeClock clock;
  CacheOptions o = small(64 * 1024);
  o.shards = 4;
  ByteCache c(clock, o);
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> size(1, 4000), key(0, 5000);
  for (int i = 0; i < 50000; ++i) {
    std::string k = "k" + std::to_string(key(rng));
    if (c.get(k) == nullptr) (void)put(c, k, std::string(static_cast<size_t>(size(rng)), 'x'));
    ASSERT_LE(c.bytes(), 64 * 1024) << i;
  }
  EXPECT_GT(c.stats().entries, 0u);
  EXPECT_EQ(put(c, "huge", std::string(20000, 'x')), FillResult::kTooLarge);  // > a shard's main space
}

TEST(ByteCache, EvictsLeastRecentlyUsedAmongEquals) {
  FakeClock clock;
  const int64_t entry = 2 + 10 + ByteCache::kEntryOverhead;  // key "kN" + 10-byte value
  ByteCache c(clock, small(entry * 5 + entry / 2));
  // Every key is requested twice first, so all have the same frequency and admission ties go to LRU.
  for (int i = 0; i < 6; ++i) {
    std::string k = "k" + std::to_string(i);
    (void)c.get(k);
    (void)c.get(k);
  }
  for (int i = 0; i < 4; ++i) ASSERT_EQ(put(c, "k" + std::to_string(i), std::string(10, 'v')), FillResult::kStored);
  (void)c.get("k0");  // k0 becomes recently used (protected)
  (void)c.get("k5");
  (void)c.get("k5");
  (void)c.get("k5");  // k5 is more frequent than any victim
  ASSERT_EQ(put(c, "k5", std::string(10, 'v')), FillResult::kStored);
  ASSERT_EQ(put(c, "k4", std::string(10, 'v')), FillResult::kRejected);  // freq ties with the LRU victim
  EXPECT_NE(c.get("k0"), nullptr);
  EXPECT_NE(c.get("k5"), nullptr);
  EXPECT_EQ(c.stats().entries, 5u);
}

TEST(ByteCache, HotSetSurvivesAScanOfOneOffKeys) {
  FakeClock clock;
  const int64_t entry = 8 + 100 + ByteCache::kEntryOverhead;
  ByteCache c(clock, small(entry * 120));
  auto access = [&](const std::string& k) {
    if (c.get(k) == nullptr) (void)put(c, k, std::string(100, 'h'));
  };
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 100; ++i) access("hot" + std::to_string(i));
  }
  for (int i = 0; i < 10000; ++i) access("scan" + std::to_string(i));  // each key once
  int kept = 0;
  for (int i = 0; i < 100; ++i) kept += c.get("hot" + std::to_string(i)) != nullptr ? 1 : 0;
  EXPECT_GE(kept, 95);
  EXPECT_GT(c.stats().admissions_rejected, 8500u);  // most of the scan was refused admission
}

TEST(ByteCache, FillFromAReadOlderThanAnInvalidationIsRefused) {
  FakeClock clock;
  ByteCache c(clock, small(1 << 20));
  Ticket slow_read = c.begin_read();  // read of version 1 begins
  c.invalidate("doc");                // a write of version 2 commits and invalidates
  EXPECT_EQ(c.fill("doc", "", slow_read, val("v1")), FillResult::kStale);
  EXPECT_EQ(c.get("doc"), nullptr);
  EXPECT_EQ(c.fill("doc", "", c.begin_read(), val("v2")), FillResult::kStored);
  EXPECT_EQ(*c.get("doc"), "v2");
  EXPECT_EQ(c.stats().fills_stale, 1u);
}

TEST(ByteCache, TagInvalidationDropsEntriesAndDoomsOlderFills) {
  FakeClock clock;
  ByteCache c(clock, small(1 << 20));
  ASSERT_EQ(put(c, "q1", "r1", "app/col"), FillResult::kStored);
  ASSERT_EQ(put(c, "q2", "r2", "app/other"), FillResult::kStored);
  Ticket slow = c.begin_read();
  c.invalidate_tag("app/col");
  EXPECT_EQ(c.get("q1", "app/col"), nullptr);
  EXPECT_NE(c.get("q2", "app/other"), nullptr);
  EXPECT_EQ(c.fill("q3", "app/col", slow, val("old")), FillResult::kStale);
  EXPECT_EQ(put(c, "q3", "new", "app/col"), FillResult::kStored);
  EXPECT_EQ(*c.get("q3", "app/col"), "new");
}

TEST(ByteCache, ForgottenTombstonesStayConservative) {
  FakeClock clock;
  CacheOptions o = small(1 << 20);
  o.tombstones_per_shard = 2;
  ByteCache c(clock, o);
  Ticket slow = c.begin_read();
  c.invalidate("a");
  c.invalidate("b");
  c.invalidate("c");  // "a" is forgotten; the floor now dooms every fill older than it
  EXPECT_EQ(c.fill("a", "", slow, val("old")), FillResult::kStale);
  EXPECT_EQ(c.fill("z", "", slow, val("old")), FillResult::kStale);
}

TEST(ByteCache, HottestKeysByFrequency) {
  FakeClock clock;
  ByteCache c(clock, small(1 << 20));
  for (int i = 0; i < 10; ++i) {
    for (int j = 0; j <= i; ++j) (void)c.get("k" + std::to_string(i), "t");
    ASSERT_EQ(put(c, "k" + std::to_string(i), "v", "t"), FillResult::kStored);
  }
  auto hot = c.hottest(3);
  ASSERT_EQ(hot.size(), 3u);
  EXPECT_EQ(hot[0].key, "k9");
  EXPECT_EQ(hot[0].tag, "t");
  EXPECT_GE(hot[0].frequency, hot[2].frequency);
}

}  // namespace
}  // namespace headroom::cache
