#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include "metrics/process_stats.hpp"

namespace headroom::metrics {

TEST(Metrics, RendersCountersGaugesAndHistogramsInPrometheusText) {
  Registry r;
  r.counter("headroom_http_requests_total", "Requests.", {{"route", "/healthz"}, {"code", "200"}}).inc(3);
  r.gauge("headroom_http_in_flight", "In flight.").set(2);
  auto& h = r.histogram("headroom_http_request_duration_seconds", "Latency.", {{"route", "/x"}});
  h.observe(0.003);
  h.observe(0.3);
  std::string text = r.render();
  EXPECT_NE(text.find("# TYPE headroom_http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find(R"(headroom_http_requests_total{route="/healthz",code="200"} 3)"), std::string::npos);
  EXPECT_NE(text.find("headroom_http_in_flight 2"), std::string::npos);
  EXPECT_NE(text.find(R"(headroom_http_request_duration_seconds_bucket{route="/x",le="0.005"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(headroom_http_request_duration_seconds_bucket{route="/x",le="+Inf"} 2)"), std::string::npos);
  EXPECT_NE(text.find(R"(headroom_http_request_duration_seconds_count{route="/x"} 2)"), std::string::npos);
}

TEST(Metrics, SameSeriesIsTheSameObject) {
  Registry r;
  auto& a = r.counter("c_total", "c", {{"k", "v"}});
  auto& b = r.counter("c_total", "c", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
  a.inc();
  EXPECT_EQ(r.value("c_total", {{"k", "v"}}), 1);
  EXPECT_EQ(r.sum("c_total"), 1);
}

TEST(Metrics, QuantileInterpolatesInsideBuckets) {
  Histogram h({0.1, 0.2, 0.4});
  for (int i = 0; i < 100; ++i) h.observe(0.15);
  auto s = h.snapshot();
  EXPECT_GT(s.quantile(0.95), 0.1);
  EXPECT_LE(s.quantile(0.95), 0.2);
  EXPECT_EQ(Histogram({1}).snapshot().quantile(0.5), 0);
}

TEST(Metrics, LabelValuesAreEscaped) { EXPECT_EQ(format_labels({{"a", "x\"y\\z"}}), R"({a="x\"y\\z"})"); }

TEST(ProcessStats, ReadsThisProcess) {
  auto s = read_process_stats();
  EXPECT_GT(s.resident_bytes, 0u);
  EXPECT_GT(s.open_fds, 0);
  EXPECT_GT(s.start_time_seconds, 1e9);
}

}  // namespace headroom::metrics
