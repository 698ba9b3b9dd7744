#pragma once
// Where per-key limiter state lives. In-process now (MemoryLimiterStore); a Redis store running the
// same GCRA step as one atomic script implements the same interface for a cluster, so policies do
// not change when the state becomes shared.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "ratelimit/gcra.hpp"
#include "ratelimit/lru_table.hpp"

namespace headroom::ratelimit {

class LimiterStore {
 public:
  virtual ~LimiterStore() = default;
  // Applies one request of `cost` units for `key` under `limit` at time `now_ns`, atomically.
  virtual Decision consume(std::string_view key, const GcraLimit& limit, int64_t cost, int64_t now_ns) = 0;
  virtual size_t size() const = 0;  // keys held
  virtual uint64_t evictions() const = 0;
};

// Sharded LRU tables of TAT values; at most `max_keys` keys in all, so a flood of distinct callers
// costs bounded memory. An evicted key starts again with a full bucket (fail-open by design: the
// evicted keys are the ones that were idle longest).
class MemoryLimiterStore final : public LimiterStore {
 public:
  explicit MemoryLimiterStore(size_t max_keys, size_t shards = 16);
  Decision consume(std::string_view key, const GcraLimit& limit, int64_t cost, int64_t now_ns) override;
  size_t size() const override;
  uint64_t evictions() const override;
  size_t capacity() const;

 private:
  struct Shard {
    explicit Shard(size_t cap) : table(cap) {}
    mutable std::mutex mu;
    LruTable<int64_t> table;
  };
  Shard& shard_for(std::string_view key);
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace headroom::ratelimit
