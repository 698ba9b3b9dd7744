#include "histogram.hpp"

#include <gtest/gtest.h>

namespace headroom::bench {

TEST(Histogram, BucketsAreContiguousAndCoverTheirValues) {
  for (int b = 1; b < Histogram::kBuckets - 1; ++b) {
    EXPECT_EQ(Histogram::bucket_low(b), Histogram::bucket_high(b - 1) + 1) << b;
  }
  for (int64_t v : {int64_t{0}, int64_t{127}, int64_t{128}, int64_t{255}, int64_t{1000}, int64_t{123456789},
                    int64_t{1} << 40, INT64_MAX}) {
    int b = Histogram::bucket_of(v);
    EXPECT_LE(Histogram::bucket_low(b), v);
    EXPECT_GE(Histogram::bucket_high(b), v);
    EXPECT_LT(b, Histogram::kBuckets);
  }
}

TEST(Histogram, QuantilesWithinOnePointSixPercent) {
  Histogram h;
  for (int64_t v = 1; v <= 100000; ++v) h.record(v * 1000);
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.min(), 1000);
  EXPECT_EQ(h.max(), 100000000);
  EXPECT_NEAR(static_cast<double>(h.quantile(0.5)), 50e6, 50e6 * 0.016);
  EXPECT_NEAR(static_cast<double>(h.quantile(0.99)), 99e6, 99e6 * 0.016);
  EXPECT_EQ(h.quantile(1.0), 100000000);
  EXPECT_NEAR(h.mean(), 50000500.0, 1.0);
}

TEST(Histogram, MergeAddsCounts) {
  Histogram a, b;
  a.record(10);
  b.record(5000);
  b.record(7);
  a.merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.min(), 7);
  EXPECT_EQ(a.max(), 5000);
  EXPECT_EQ(Histogram().quantile(0.5), 0);
}

}  // namespace headroom::bench
