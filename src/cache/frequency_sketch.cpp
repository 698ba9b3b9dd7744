#include "cache/frequency_sketch.hpp"

#include <bit>

namespace headroom::cache {

uint64_t mix64(uint64_t x) {  // splitmix64 finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

FrequencySketch::FrequencySketch(size_t expected_entries) {
  const size_t width = std::bit_ceil(std::max<size_t>(expected_entries, 64));
  mask_ = width - 1;
  table_.assign(width * kRows, 0);
  doorkeeper_.assign(width / 64 * 4 + 1, 0);  // 4 bits per expected entry
  sample_size_ = width * 10;
}

size_t FrequencySketch::index(uint64_t hash, int row) const {
  const uint64_t h = mix64(hash + 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(row + 1));
  return static_cast<size_t>(row) * (mask_ + 1) + (h & mask_);
}

bool FrequencySketch::doorkeeper_contains(uint64_t hash) const {
  const size_t bits = doorkeeper_.size() * 64;
  for (int i = 0; i < 2; ++i) {
    const size_t b = mix64(hash ^ (0xc2b2ae3d27d4eb4fULL * (i + 1))) % bits;
    if ((doorkeeper_[b / 64] & (1ULL << (b % 64))) == 0) return false;
  }
  return true;
}

bool FrequencySketch::doorkeeper_put(uint64_t hash) {
  const size_t bits = doorkeeper_.size() * 64;
  bool present = true;
  for (int i = 0; i < 2; ++i) {
    const size_t b = mix64(hash ^ (0xc2b2ae3d27d4eb4fULL * (i + 1))) % bits;
    if ((doorkeeper_[b / 64] & (1ULL << (b % 64))) == 0) {
      present = false;
      doorkeeper_[b / 64] |= 1ULL << (b % 64);
    }
  }
  return present;
}

void FrequencySketch::increment(uint64_t hash) {
  if (++additions_ >= sample_size_) age();
  if (!doorkeeper_put(hash)) return;  // first sighting this period: the doorkeeper remembers it
  for (int r = 0; r < kRows; ++r) {
    uint8_t& c = table_[index(hash, r)];
    if (c < kMax) ++c;
  }
}

int FrequencySketch::frequency(uint64_t hash) const {
  int f = kMax;
  for (int r = 0; r < kRows; ++r) f = std::min<int>(f, table_[index(hash, r)]);
  return f + (doorkeeper_contains(hash) ? 1 : 0);
}

void FrequencySketch::age() {
  for (auto& c : table_) c >>= 1;
  for (auto& w : doorkeeper_) w = 0;
  additions_ /= 2;
  ++resets_;
}

}  // namespace headroom::cache
