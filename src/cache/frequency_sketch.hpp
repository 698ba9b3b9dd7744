#pragma once
// TinyLFU's frequency estimate (as in Caffeine's W-TinyLFU): a count-min sketch of 4-bit-range
// counters, 4 rows, behind a doorkeeper bloom filter that absorbs keys seen only once. Counters
// age: after `10 × width` additions every counter is halved and the doorkeeper cleared, so the
// sketch follows a changing popularity. Not thread-safe; one per cache shard, under its lock.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace headroom::cache {

class FrequencySketch {
 public:
  // `expected_entries` sizes the sketch (rounded up to a power of two, at least 64).
  explicit FrequencySketch(size_t expected_entries);

  void increment(uint64_t hash);
  // Estimated accesses within the current aging period (0..16).
  int frequency(uint64_t hash) const;
  uint64_t resets() const { return resets_; }

 private:
  static constexpr int kRows = 4;
  static constexpr uint8_t kMax = 15;
  size_t index(uint64_t hash, int row) const;
  bool doorkeeper_contains(uint64_t hash) const;
  bool doorkeeper_put(uint64_t hash);  // true if it was already there
  void age();

  size_t mask_;
  std::vector<uint8_t> table_;        // kRows × width counters
  std::vector<uint64_t> doorkeeper_;  // bloom filter bits
  size_t additions_ = 0;
  size_t sample_size_;
  uint64_t resets_ = 0;
};

// A 64-bit mix of a string's hash (the standard hash can be weak in the low bits).
uint64_t mix64(uint64_t x);

}  // namespace headroom::cache
