// Many readers and writers on the same keys: once a write (store, then invalidate) has returned,
// no reader that starts afterwards may get an older version, from the cache or by filling it.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "cache/byte_cache.hpp"

namespace headroom::cache {
namespace {

constexpr int kKeys = 4;

struct World {
  std::array<std::atomic<int>, kKeys> stored{};  // the source of truth (linearizable)
  std::array<std::atomic<int>, kKeys> acked{};   // highest version whose write has returned
  std::atomic<int> violations{0};
  std::atomic<bool> stop{false};
};

std::string key(int k) { return "doc" + std::to_string(k); }

void writer(ByteCache& cache, World& w, int k, int writes, bool by_tag) {
  for (int v = 1; v <= writes; ++v) {
    w.stored[k].store(v);
    if (by_tag) {
      cache.invalidate_tag("col" + std::to_string(k));
    } else {
      cache.invalidate(key(k));
    }
    w.acked[k].store(v);  // the write is acknowledged
    if (v % 64 == 0) std::this_thread::yield();
  }
}

void reader(ByteCache& cache, World& w, int seed) {
  uint64_t n = static_cast<uint64_t>(seed);
  while (!w.stop.load()) {
    n = n * 6364136223846793005ULL + 1442695040888963407ULL;
    const int k = static_cast<int>((n >> 33) % kKeys);
    const int floor = w.acked[k].load();
    const std::string tag = "col" + std::to_string(k);
    if (Value v = cache.get(key(k), tag)) {
      if (std::stoi(*v) < floor) w.violations++;
      continue;
    }
    Ticket t = cache.begin_read();
    const int read = w.stored[k].load();
    if ((n >> 20) % 4 == 0) std::this_thread::yield();  // a slow read
    if (read < floor) w.violations++;
    (void)cache.fill(key(k), tag, t, std::make_shared<const std::string>(std::to_string(read)));
  }
}

void run(bool by_tag) {
  SystemClock& clock = SystemClock::instance();
  CacheOptions o;
  o.max_bytes = 1 << 20;
  o.shards = 2;
  ByteCache cache(clock, o);
  World w;
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader, std::ref(cache), std::ref(w), i + 1);
  std::vector<std::thread> writers;
  for (int k = 0; k < kKeys; ++k) writers.emplace_back(writer, std::ref(cache), std::ref(w), k, 3000, by_tag);
  for (auto& t : writers) t.join();
  w.stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(w.violations.load(), 0);
  // After the last write, the cache serves the last version.
  for (int k = 0; k < kKeys; ++k) {
    Value v = cache.get(key(k), "col" + std::to_string(k));
    if (v) {
      EXPECT_EQ(*v, "3000");
    }
  }
}

TEST(ByteCacheConcurrency, NoReaderSeesAVersionOlderThanAnAcknowledgedWrite) { run(false); }
TEST(ByteCacheConcurrency, SameThroughTagInvalidation) { run(true); }

}  // namespace
}  // namespace headroom::cache
