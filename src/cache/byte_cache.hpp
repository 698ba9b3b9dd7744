#pragma once
// A sharded, byte-bounded cache of immutable byte strings (serialized responses) with TTL and
// W-TinyLFU admission, and version-checked fills so a slow read can never cache data older than
// an invalidation that completed after the read began.
//
// Bytes: each entry is charged key + tag + value + kEntryOverhead; each shard holds at most
// max_bytes / shards, so the whole never holds more than max_bytes.
// Eviction (per shard, as Caffeine's W-TinyLFU): new entries enter a small LRU window (1 %);
// leaving the window they compete for the main space (a segmented LRU, 80 % protected) against
// its victim, and are admitted only when the frequency sketch has seen them more often. A scan of
// one-off keys therefore passes through the window without flushing the hot set.
// Freshness (the epoch scheme): one counter; every invalidation takes a new epoch and records it
// for its key (a tombstone) or tag. A reader takes a ticket (the current epoch) before it reads
// the source; fill() refuses when the key's tombstone or the tag's epoch is newer than the ticket,
// and get() treats an entry as gone when its tag was invalidated after the entry's ticket.
// Tombstones are bounded: forgetting the oldest raises a floor that fills must be newer than.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/tag_table.hpp"
#include "core/clock.hpp"

namespace headroom::cache {

using Value = std::shared_ptr<const std::string>;
using Ticket = uint64_t;

struct CacheOptions {
  int64_t max_bytes = 100LL << 20;
  Clock::Duration ttl = std::chrono::minutes(5);
  size_t shards = 16;
  double window_ratio = 0.01;    // share of each shard for the admission window
  double protected_ratio = 0.8;  // share of the main space for entries hit twice
  size_t tombstones_per_shard = 4096;
  size_t max_tags = 65536;
  int64_t expected_entry_bytes = 1024;  // sizes the frequency sketch
};

enum class FillResult { kStored, kStale, kRejected, kTooLarge };
std::string_view fill_result_name(FillResult r);

struct TagStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  double hit_ratio() const { return hits + misses == 0 ? 0 : double(hits) / double(hits + misses); }
};

struct CacheStats {
  uint64_t hits = 0, misses = 0, evictions = 0, expirations = 0, admissions_rejected = 0;
  uint64_t fills = 0, fills_stale = 0, invalidations = 0;
  int64_t bytes = 0;
  uint64_t entries = 0;
  std::map<std::string, TagStats> by_tag;
  double hit_ratio() const { return hits + misses == 0 ? 0 : double(hits) / double(hits + misses); }
};

struct HotKey {
  std::string key;
  std::string tag;
  int frequency = 0;
};

class ByteCache {
 public:
  static constexpr int64_t kEntryOverhead = 160;  // nodes, index slot, control block, bookkeeping

  ByteCache(const Clock& clock, CacheOptions options);
  ~ByteCache();
  ByteCache(const ByteCache&) = delete;
  ByteCache& operator=(const ByteCache&) = delete;

  // Take before reading the source of truth; pass to fill().
  Ticket begin_read() const { return epoch_.load(std::memory_order_seq_cst); }
  // nullptr on a miss (absent, expired or invalidated). `tag` groups keys (a collection) for stats.
  Value get(std::string_view key, std::string_view tag = {});
  FillResult fill(std::string_view key, std::string_view tag, Ticket ticket, Value value);
  // Both return after the entry is gone and in-flight fills of older reads are doomed.
  void invalidate(std::string_view key);
  void invalidate_tag(std::string_view tag);

  CacheStats stats() const;
  int64_t bytes() const;
  int64_t max_bytes() const { return shard_capacity_ * static_cast<int64_t>(shards_.size()); }
  // The `n` held entries with the highest estimated frequency, hottest first.
  std::vector<HotKey> hottest(size_t n) const;

 private:
  struct Shard;
  Shard& shard_for(std::string_view key, uint64_t* hash) const;

  const Clock& clock_;
  CacheOptions options_;
  int64_t shard_capacity_;
  mutable std::atomic<uint64_t> epoch_{1};
  std::vector<std::unique_ptr<Shard>> shards_;
  std::unique_ptr<TagEpochs> tags_;
};

}  // namespace headroom::cache
