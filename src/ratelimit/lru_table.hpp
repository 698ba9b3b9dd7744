#pragma once
// A bounded map with least-recently-used eviction: the building block of the limiter's key table and
// the abuse monitor. Not thread-safe; callers shard it and hold a lock per shard.
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace headroom::ratelimit {

template <typename V>
class LruTable {
 public:
  explicit LruTable(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  LruTable(const LruTable&) = delete;
  LruTable& operator=(const LruTable&) = delete;

  // The value for key, marked most recently used; nullptr when absent.
  V* find(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // The value for key, inserted with `init` (evicting the least recently used entry when full) if
  // absent. `evicted` counts evictions.
  V& find_or_insert(std::string_view key, const V& init) {
    if (V* v = find(key)) return *v;
    if (index_.size() >= capacity_) evict_one();
    order_.emplace_front(std::string(key), init);
    index_.emplace(std::string_view(order_.front().first), order_.begin());
    return order_.front().second;
  }

  bool erase(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    auto node = it->second;
    index_.erase(it);
    order_.erase(node);
    return true;
  }

  template <typename Fn>  // Fn(const std::string&, V&)
  void for_each(Fn&& fn) {
    for (auto& [k, v] : order_) fn(k, v);
  }

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }
  uint64_t evictions() const { return evictions_; }

 private:
  void evict_one() {
    index_.erase(std::string_view(order_.back().first));
    order_.pop_back();
    ++evictions_;
  }

  using Order = std::list<std::pair<std::string, V>>;
  size_t capacity_;
  uint64_t evictions_ = 0;
  Order order_;
  std::unordered_map<std::string_view, typename Order::iterator> index_;
};

}  // namespace headroom::ratelimit
