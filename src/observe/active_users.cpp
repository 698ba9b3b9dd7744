#include "observe/active_users.hpp"

#include <chrono>

namespace headroom::observe {

int64_t ActiveUsers::minute_now() const {
  return std::chrono::duration_cast<std::chrono::minutes>(clock_.now().time_since_epoch()).count();
}

void ActiveUsers::record(std::string_view key) {
  const uint64_t h = HyperLogLog::hash(key);
  const int64_t minute = minute_now();
  std::lock_guard lock(mu_);
  auto& bucket = buckets_[static_cast<size_t>(minute % kMinutes)];
  if (bucket.minute != minute) {
    bucket.minute = minute;
    bucket.hll.clear();
  }
  bucket.hll.add_hash(h);
}

double ActiveUsers::estimate() const {
  const int64_t minute = minute_now();
  HyperLogLog merged;
  std::lock_guard lock(mu_);
  for (const auto& bucket : buckets_) {
    if (bucket.minute > minute - kMinutes && bucket.minute <= minute) merged.merge(bucket.hll);
  }
  return merged.estimate();
}

}  // namespace headroom::observe
