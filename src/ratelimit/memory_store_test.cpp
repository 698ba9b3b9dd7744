#include <gtest/gtest.h>
#include <malloc.h>

#include <string>
#include <thread>
#include <vector>

#include "ratelimit/limiter_store.hpp"
#include "ratelimit/lru_table.hpp"

namespace headroom::ratelimit {
namespace {

TEST(LruTable, EvictsLeastRecentlyUsed) {
  LruTable<int> t(2);
  t.find_or_insert("a", 1);
  t.find_or_insert("b", 2);
  ASSERT_NE(t.find("a"), nullptr);  // a is now the most recent
  t.find_or_insert("c", 3);         // evicts b
  EXPECT_EQ(t.find("b"), nullptr);
  EXPECT_EQ(*t.find("a"), 1);
  EXPECT_EQ(*t.find("c"), 3);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.evictions(), 1u);
  EXPECT_TRUE(t.erase("a"));
  EXPECT_EQ(t.size(), 1u);
}

TEST(MemoryLimiterStore, MillionDistinctKeysStayBounded) {
  const size_t max_keys = 10000;
  MemoryLimiterStore store(max_keys);
  const auto limit = GcraLimit::per_minute(20, 20);
  // Warm up to the bound, then measure that a million more keys do not grow the heap.
  for (int i = 0; i < 20000; ++i) (void)store.consume("ip:warm" + std::to_string(i), limit, 1, 1);
  const size_t heap_before = mallinfo2().uordblks;
  for (int i = 0; i < 1'000'000; ++i) {
    auto d = store.consume("ip:10." + std::to_string(i), limit, 1, 1);
    ASSERT_TRUE(d.allowed);
  }
  const size_t heap_after = mallinfo2().uordblks;
  EXPECT_LE(store.size(), max_keys);
  EXPECT_LE(store.size(), store.capacity());
  EXPECT_GE(store.evictions(), 1'000'000u);
  EXPECT_LT(heap_after, heap_before + (1u << 20)) << "heap grew by " << (heap_after - heap_before);
}

TEST(MemoryLimiterStore, ConcurrentCallersNeverExceedTheBurst) {
  MemoryLimiterStore store(1000);
  const auto limit = GcraLimit::per_minute(60, 500);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) allowed += store.consume("shared", limit, 1, 1).allowed ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 500);
}

}  // namespace
}  // namespace headroom::ratelimit
