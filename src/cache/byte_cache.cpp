#include "cache/byte_cache.hpp"

#include <algorithm>
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>

#include "cache/frequency_sketch.hpp"

namespace headroom::cache {

namespace {

enum class Segment { kWindow, kProbation, kProtected };

struct Entry {
  std::string key;
  std::string tag;
  std::shared_ptr<TagEpoch> tag_epoch;  // null for untagged entries
  Value value;
  int64_t charge = 0;
  int64_t expires_at = 0;
  Ticket ticket = 0;
  uint64_t hash = 0;
  Segment segment = Segment::kWindow;
};
using List = std::list<Entry>;

// The entry index's key: the text and its hash, computed once per operation (shard choice, sketch
// and index lookup all use it).
struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct HashedKey {
  std::string_view text;
  uint64_t hash;
  bool operator==(const HashedKey& o) const { return text == o.text; }
};
struct HashedKeyHash {
  size_t operator()(const HashedKey& k) const { return static_cast<size_t>(k.hash); }
};
using Index = std::unordered_map<HashedKey, List::iterator, HashedKeyHash>;

// Recently invalidated keys and their epochs, bounded; the oldest forgotten epoch becomes the floor.
class Tombstones {
 public:
  explicit Tombstones(size_t cap) : cap_(std::max<size_t>(cap, 1)) {}
  void put(std::string_view key, uint64_t epoch) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      it->second->second = epoch;
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    if (index_.size() >= cap_) {
      floor_ = std::max(floor_, order_.back().second);
      index_.erase(std::string_view(order_.back().first));
      order_.pop_back();
    }
    order_.emplace_front(std::string(key), epoch);
    index_.emplace(std::string_view(order_.front().first), order_.begin());
  }
  uint64_t epoch(std::string_view key) const {
    auto it = index_.find(key);
    return it == index_.end() ? floor_ : std::max(floor_, it->second->second);
  }

 private:
  using Order = std::list<std::pair<std::string, uint64_t>>;
  size_t cap_;
  uint64_t floor_ = 0;
  Order order_;
  std::unordered_map<std::string_view, Order::iterator> index_;
};

}  // namespace

std::string_view fill_result_name(FillResult r) {
  switch (r) {
    case FillResult::kStored:
      return "stored";
    case FillResult::kStale:
      return "stale";
    case FillResult::kRejected:
      return "rejected";
    case FillResult::kTooLarge:
      return "too_large";
  }
  return "unknown";
}

struct ByteCache::Shard {
  Shard(int64_t capacity, const CacheOptions& o)
      : window_cap(std::max<int64_t>(1, static_cast<int64_t>(capacity * o.window_ratio))),
        main_cap(capacity - window_cap),
        protected_cap(static_cast<int64_t>(main_cap * o.protected_ratio)),
        sketch(static_cast<size_t>(capacity / std::max<int64_t>(o.expected_entry_bytes, 1))),
        tombstones(o.tombstones_per_shard) {}

  List& list(Segment s) { return s == Segment::kWindow ? window : s == Segment::kProbation ? probation : protected_; }
  int64_t& bytes(Segment s) {
    return s == Segment::kWindow ? window_bytes : s == Segment::kProbation ? probation_bytes : protected_bytes;
  }
  int64_t main_bytes() const { return probation_bytes + protected_bytes; }
  int64_t total_bytes() const { return window_bytes + main_bytes(); }

  void move_front(List::iterator it, Segment to) {
    bytes(it->segment) -= it->charge;
    bytes(to) += it->charge;
    list(to).splice(list(to).begin(), list(it->segment), it);
    it->segment = to;
  }
  void remove(List::iterator it) {
    bytes(it->segment) -= it->charge;
    index.erase(HashedKey{it->key, it->hash});
    list(it->segment).erase(it);
  }
  List::iterator insert_window(Entry e) {
    e.segment = Segment::kWindow;
    window_bytes += e.charge;
    window.push_front(std::move(e));
    index.emplace(HashedKey{window.front().key, window.front().hash}, window.begin());
    return window.begin();
  }
  void count_tag(std::string_view tag, bool hit) {
    if (tag.empty()) return;
    auto it = tag_stats.find(tag);  // heterogeneous: no string built per read
    if (it == tag_stats.end()) {
      if (tag_stats.size() >= 1024) return;  // bounded: later collections are not itemised
      it = tag_stats.emplace(std::string(tag), TagStats{}).first;
    }
    (hit ? it->second.hits : it->second.misses)++;
  }

  // On a hit: window entries stay in the window; a second hit promotes to protected.
  void touch(List::iterator it) {
    if (it->segment == Segment::kProbation) {
      move_front(it, Segment::kProtected);
      while (protected_bytes > protected_cap && !protected_.empty()) {
        move_front(std::prev(protected_.end()), Segment::kProbation);
      }
    } else {
      move_front(it, it->segment);
    }
  }

  // Moves window overflow into the main space through TinyLFU admission. Returns false if `fresh`
  // (the entry just filled) lost its admission.
  bool drain_window(List::iterator fresh, int64_t now) {
    bool fresh_kept = true;
    while (window_bytes > window_cap && !window.empty()) {
      auto cand = std::prev(window.end());
      const bool is_fresh = cand == fresh;
      if (!admit(cand, now) && is_fresh) fresh_kept = false;
    }
    return fresh_kept;
  }

  bool admit(List::iterator cand, int64_t now) {
    move_front(cand, Segment::kProbation);
    while (main_bytes() > main_cap) {
      List::iterator victim;
      if (probation.size() > 1) {
        victim = std::prev(probation.end());
      } else if (!protected_.empty()) {
        victim = std::prev(protected_.end());
      } else {
        break;
      }
      if (victim->expires_at <= now) {
        ++expirations;
      } else if (sketch.frequency(cand->hash) > sketch.frequency(victim->hash)) {
        ++evictions;
      } else {
        remove(cand);
        ++admissions_rejected;
        return false;
      }
      remove(victim);
    }
    return true;
  }

  const int64_t window_cap, main_cap, protected_cap;
  mutable std::mutex mu;
  List window, probation, protected_;
  int64_t window_bytes = 0, probation_bytes = 0, protected_bytes = 0;
  Index index;
  FrequencySketch sketch;
  Tombstones tombstones;
  std::unordered_map<std::string, TagStats, TransparentHash, std::equal_to<>> tag_stats;
  uint64_t hits = 0, misses = 0, evictions = 0, expirations = 0, admissions_rejected = 0;
  uint64_t fills = 0, fills_stale = 0, invalidations = 0;
};

ByteCache::ByteCache(const Clock& clock, CacheOptions options)
    : clock_(clock), options_(options), tags_(std::make_unique<TagEpochs>(options.max_tags, epoch_)) {
  const size_t n = std::max<size_t>(1, options_.shards);
  shard_capacity_ = std::max<int64_t>(0, options_.max_bytes) / static_cast<int64_t>(n);
  for (size_t i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>(shard_capacity_, options_));
}

ByteCache::~ByteCache() = default;

ByteCache::Shard& ByteCache::shard_for(std::string_view key, uint64_t* hash) const {
  *hash = mix64(std::hash<std::string_view>{}(key));
  return *shards_[(*hash >> 32) % shards_.size()];
}

Value ByteCache::get(std::string_view key, std::string_view tag) {
  uint64_t hash = 0;
  Shard& s = shard_for(key, &hash);
  const int64_t now = clock_.now().time_since_epoch().count();
  std::lock_guard lock(s.mu);
  s.sketch.increment(hash);
  auto found = s.index.find(HashedKey{key, hash});
  if (found != s.index.end()) {
    auto it = found->second;
    const bool tag_invalidated = it->tag_epoch && it->tag_epoch->epoch.load() > it->ticket;
    if (it->expires_at <= now || tag_invalidated) {
      ++(tag_invalidated ? s.invalidations : s.expirations);
      s.remove(it);
    } else {
      ++s.hits;
      s.count_tag(tag, true);
      s.touch(it);
      return it->value;
    }
  }
  ++s.misses;
  s.count_tag(tag, false);
  return nullptr;
}

FillResult ByteCache::fill(std::string_view key, std::string_view tag, Ticket ticket, Value value) {
  if (!value) return FillResult::kRejected;
  const int64_t charge = static_cast<int64_t>(key.size() + tag.size() + value->size()) + kEntryOverhead;
  auto tag_epoch = tag.empty() ? nullptr : tags_->get(tag);
  uint64_t hash = 0;
  Shard& s = shard_for(key, &hash);
  if (charge > s.main_cap) return FillResult::kTooLarge;
  const int64_t now = clock_.now().time_since_epoch().count();
  std::lock_guard lock(s.mu);
  if (s.tombstones.epoch(key) > ticket || (tag_epoch && tag_epoch->epoch.load() > ticket)) {
    ++s.fills_stale;
    return FillResult::kStale;
  }
  if (auto found = s.index.find(HashedKey{key, hash}); found != s.index.end()) {
    if (found->second->ticket > ticket) return FillResult::kStale;  // a newer read already filled it
    s.remove(found->second);
  }
  ++s.fills;
  Entry e{std::string(key),
          std::string(tag),
          std::move(tag_epoch),
          std::move(value),
          charge,
          now + std::chrono::duration_cast<Clock::Duration>(options_.ttl).count(),
          ticket,
          hash,
          Segment::kWindow};
  auto it = s.insert_window(std::move(e));
  return s.drain_window(it, now) ? FillResult::kStored : FillResult::kRejected;
}

void ByteCache::invalidate(std::string_view key) {
  uint64_t hash = 0;
  Shard& s = shard_for(key, &hash);
  std::lock_guard lock(s.mu);
  s.tombstones.put(key, epoch_.fetch_add(1) + 1);
  ++s.invalidations;
  if (auto found = s.index.find(HashedKey{key, hash}); found != s.index.end()) s.remove(found->second);
}

void ByteCache::invalidate_tag(std::string_view tag) { tags_->invalidate(tag); }

CacheStats ByteCache::stats() const {
  CacheStats out;
  for (const auto& sp : shards_) {
    const Shard& s = *sp;
    std::lock_guard lock(s.mu);
    out.hits += s.hits;
    out.misses += s.misses;
    out.evictions += s.evictions;
    out.expirations += s.expirations;
    out.admissions_rejected += s.admissions_rejected;
    out.fills += s.fills;
    out.fills_stale += s.fills_stale;
    out.invalidations += s.invalidations;
    out.bytes += s.total_bytes();
    out.entries += s.index.size();
    for (const auto& [tag, ts] : s.tag_stats) {
      auto& t = out.by_tag[tag];
      t.hits += ts.hits;
      t.misses += ts.misses;
    }
  }
  return out;
}

int64_t ByteCache::bytes() const {
  int64_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    n += s->total_bytes();
  }
  return n;
}

std::vector<HotKey> ByteCache::hottest(size_t n) const {
  std::vector<HotKey> all;
  for (const auto& sp : shards_) {
    std::lock_guard lock(sp->mu);
    for (const auto* l : {&sp->protected_, &sp->probation, &sp->window}) {
      for (const auto& e : *l) all.push_back({e.key, e.tag, sp->sketch.frequency(e.hash)});
    }
  }
  const size_t k = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(),
                    [](const HotKey& a, const HotKey& b) { return a.frequency > b.frequency; });
  all.resize(k);
  return all;
}

}  // namespace headroom::cache
