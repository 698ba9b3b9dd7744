#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace headroom::bench {

int Histogram::bucket_of(int64_t value) {
  if (value < 128) return value < 0 ? 0 : static_cast<int>(value);
  const auto v = static_cast<uint64_t>(value);
  const int msb = 63 - std::countl_zero(v);
  const auto top = static_cast<int>(v >> (msb - 6));  // in [64, 127]
  return (msb - 6) * 64 + top;
}

int64_t Histogram::bucket_low(int bucket) {
  if (bucket < 128) return bucket;
  const int msb = bucket / 64 + 5;
  const int64_t top = bucket % 64 + 64;
  return top << (msb - 6);
}

int64_t Histogram::bucket_high(int bucket) {
  if (bucket < 128) return bucket;
  const int msb = bucket / 64 + 5;
  return bucket_low(bucket) + ((int64_t{1} << (msb - 6)) - 1);  // the last bucket ends at INT64_MAX
}

void Histogram::record(int64_t value_ns) {
  if (value_ns < 0) value_ns = 0;
  ++buckets_[static_cast<size_t>(bucket_of(value_ns))];
  min_ = count_ == 0 ? value_ns : std::min(min_, value_ns);
  max_ = std::max(max_, value_ns);
  sum_ += static_cast<double>(value_ns);
  ++count_;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
  count_ += other.count_;
}

int64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[static_cast<size_t>(b)];
    if (seen >= rank) return std::clamp(bucket_high(b), min_, max_);
  }
  return max_;
}

}  // namespace headroom::bench
