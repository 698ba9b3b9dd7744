#include <functional>

#include "ratelimit/limiter_store.hpp"

namespace headroom::ratelimit {

MemoryLimiterStore::MemoryLimiterStore(size_t max_keys, size_t shards) {
  shards = std::max<size_t>(1, std::min(shards, max_keys));
  const size_t per_shard = std::max<size_t>(1, max_keys / shards);
  for (size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>(per_shard));
}

MemoryLimiterStore::Shard& MemoryLimiterStore::shard_for(std::string_view key) {
  return *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

Decision MemoryLimiterStore::consume(std::string_view key, const GcraLimit& limit, int64_t cost, int64_t now_ns) {
  Shard& s = shard_for(key);
  std::lock_guard lock(s.mu);
  int64_t& tat = s.table.find_or_insert(key, 0);
  return gcra_apply(tat, limit, cost, now_ns);
}

size_t MemoryLimiterStore::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    n += s->table.size();
  }
  return n;
}

uint64_t MemoryLimiterStore::evictions() const {
  uint64_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    n += s->table.evictions();
  }
  return n;
}

size_t MemoryLimiterStore::capacity() const { return shards_.size() * shards_.front()->table.capacity(); }

}  // namespace headroom::ratelimit
