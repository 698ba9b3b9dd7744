#include "cache/tag_table.hpp"

#include <algorithm>
#include <functional>
#include <limits>

namespace headroom::cache {

namespace {
constexpr size_t kShards = 16;
}

TagEpochs::TagEpochs(size_t max_tags, std::atomic<uint64_t>& clock)
    : per_shard_(std::max<size_t>(1, max_tags / kShards)), clock_(clock) {
  for (size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

TagEpochs::Shard& TagEpochs::shard_for(std::string_view tag) {
  return *shards_[std::hash<std::string_view>{}(tag) % shards_.size()];
}

std::shared_ptr<TagEpoch>& TagEpochs::find_or_create(Shard& s, std::string_view tag) {
  auto it = s.tags.find(std::string(tag));
  if (it != s.tags.end()) return it->second;
  if (s.tags.size() >= per_shard_) {
    auto victim = s.tags.begin();
    const uint64_t e = victim->second->epoch.load();
    s.floor = std::max(s.floor, e);
    victim->second->epoch.store(std::numeric_limits<uint64_t>::max());  // its entries are stale now
    s.tags.erase(victim);
  }
  return s.tags.emplace(std::string(tag), std::make_shared<TagEpoch>(s.floor)).first->second;
}

std::shared_ptr<TagEpoch> TagEpochs::get(std::string_view tag) {
  Shard& s = shard_for(tag);
  std::lock_guard lock(s.mu);
  return find_or_create(s, tag);
}

void TagEpochs::invalidate(std::string_view tag) {
  Shard& s = shard_for(tag);
  std::lock_guard lock(s.mu);
  auto& state = find_or_create(s, tag);
  state->epoch.store(clock_.fetch_add(1) + 1);
}

size_t TagEpochs::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    n += s->tags.size();
  }
  return n;
}

}  // namespace headroom::cache
