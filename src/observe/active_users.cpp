#include "observe/active_users.hpp"

#include <algorithm>
#include <chrono>

namespace headroom::observe {

int64_t ActiveUsers::minute_now() const {
  return std::chrono::duration_cast<std::chrono::minutes>(clock_.now().time_since_epoch()).count();
}

void ActiveUsers::record_hash(uint64_t h) {
  const int64_t minute = minute_now();
  auto& bucket = buckets_[static_cast<size_t>(minute % kMinutes)];
  int64_t seen = bucket.minute.load(std::memory_order_acquire);
  if (seen != minute && seen < minute && bucket.minute.compare_exchange_strong(seen, minute)) {
    for (auto& r : bucket.registers) r.store(0, std::memory_order_relaxed);
  }
  auto [index, rank] = HyperLogLog::place(h);
  auto& reg = bucket.registers[index];
  uint8_t current = reg.load(std::memory_order_relaxed);
  while (rank > current && !reg.compare_exchange_weak(current, rank, std::memory_order_relaxed)) {
  }
}

double ActiveUsers::estimate() const {
  const int64_t minute = minute_now();
  std::array<uint8_t, HyperLogLog::kRegisters> merged{};
  for (const auto& bucket : buckets_) {
    const int64_t m = bucket.minute.load(std::memory_order_acquire);
    if (m <= minute - kMinutes || m > minute) continue;
    for (size_t i = 0; i < merged.size(); ++i) {
      merged[i] = std::max(merged[i], bucket.registers[i].load(std::memory_order_relaxed));
    }
  }
  return HyperLogLog::estimate(merged);
}

}  // namespace headroom::observe
