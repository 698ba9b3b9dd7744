#pragma once
// A log-linear latency histogram in the manner of HdrHistogram: values (nanoseconds) below 128
// are exact, above that each power of two is split into 64 linear buckets, so any recorded value
// is known to within 1/64 (1.6 %). Fixed size, no allocation on record, mergeable across threads.
#include <array>
#include <cstdint>

namespace headroom::bench {

class Histogram {
 public:
  static constexpr int kBuckets = 3712;  // covers every non-negative int64

  void record(int64_t value_ns);
  void merge(const Histogram& other);
  void reset() { *this = Histogram(); }

  [[nodiscard]] uint64_t count() const { return count_; }
  [[nodiscard]] int64_t min() const { return count_ ? min_ : 0; }
  [[nodiscard]] int64_t max() const { return max_; }
  [[nodiscard]] double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0; }
  // The value at quantile q in [0, 1]: the upper edge of the bucket holding it, capped at max().
  [[nodiscard]] int64_t quantile(double q) const;

  static int bucket_of(int64_t value);
  static int64_t bucket_low(int bucket);
  static int64_t bucket_high(int bucket);  // inclusive

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace headroom::bench
