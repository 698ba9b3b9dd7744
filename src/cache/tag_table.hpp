#pragma once
// Internal to ByteCache: the invalidation epoch of each tag (a collection). Entries keep a shared
// pointer to their tag's state and compare epochs without a lock. The table is bounded: a tag
// pushed out is poisoned (its entries become stale) and raises the floor new tags start from.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace headroom::cache {

struct TagEpoch {
  explicit TagEpoch(uint64_t e) : epoch(e) {}
  std::atomic<uint64_t> epoch;  // last invalidation of the tag
};

class TagEpochs {
 public:
  TagEpochs(size_t max_tags, std::atomic<uint64_t>& clock);
  std::shared_ptr<TagEpoch> get(std::string_view tag);  // created at the floor when absent
  void invalidate(std::string_view tag);
  size_t size() const;

 private:
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<TagEpoch>> tags;
    uint64_t floor = 0;
  };
  Shard& shard_for(std::string_view tag);
  std::shared_ptr<TagEpoch>& find_or_create(Shard& s, std::string_view tag);

  size_t per_shard_;
  std::atomic<uint64_t>& clock_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace headroom::cache
