#include "observe/metric_window.hpp"

#include <gtest/gtest.h>

namespace headroom::observe {

namespace {
void scrape(MetricWindow& w, const metrics::Registry& r, const FakeClock& clock) {
  w.add({clock.now(), std::make_shared<const metrics::MetricSnapshot>(metrics::MetricSnapshot::parse(r.render())),
         r.histogram_sum("headroom_http_request_duration_seconds")});
}
}  // namespace

TEST(MetricWindow, IncreaseRateAndErrorRatioOverTheWindow) {
  FakeClock clock;
  metrics::Registry r;
  MetricWindow w(std::chrono::minutes(2));
  auto& ok = r.counter("headroom_http_requests_total", "h", {{"code", "200"}});
  auto& bad = r.counter("headroom_http_requests_total", "h", {{"code", "500"}});
  ok.inc(100);
  scrape(w, r, clock);
  EXPECT_EQ(w.increase("headroom_http_requests_total", std::chrono::minutes(1)), 0);
  for (int i = 0; i < 6; ++i) {
    clock.advance(std::chrono::seconds(10));
    ok.inc(9);
    bad.inc(1);
    scrape(w, r, clock);
  }
  EXPECT_EQ(w.increase("headroom_http_requests_total", std::chrono::minutes(1)), 60);
  EXPECT_NEAR(w.rate("headroom_http_requests_total", std::chrono::seconds(20)), 1.0, 1e-9);
  EXPECT_NEAR(error_ratio(w, std::chrono::minutes(1)), 0.1, 1e-9);
  EXPECT_EQ(cache_hit_ratio(w, std::chrono::minutes(1)), -1);
  clock.advance(std::chrono::minutes(5));
  scrape(w, r, clock);
  EXPECT_LE(w.size(), 2u);  // old samples dropped
}

TEST(MetricWindow, LatencyQuantileOfRecentRequestsOnly) {
  FakeClock clock;
  metrics::Registry r;
  MetricWindow w;
  auto& h = r.histogram("headroom_http_request_duration_seconds", "h", {{"route", "/a"}});
  for (int i = 0; i < 100; ++i) h.observe(2.0);  // old, slow
  scrape(w, r, clock);
  clock.advance(std::chrono::minutes(2));
  scrape(w, r, clock);
  clock.advance(std::chrono::seconds(30));
  for (int i = 0; i < 100; ++i) h.observe(0.003);
  scrape(w, r, clock);
  EXPECT_LT(w.latency_quantile(0.95, std::chrono::minutes(1)), 0.006);
  EXPECT_EQ(w.latency_count(std::chrono::minutes(1)), 100);
}

TEST(MetricWindow, OldSamplesAreThinnedNewOnesKept) {
  FakeClock clock;
  metrics::Registry r;
  MetricWindow w;  // 6 min, all of the last 70 s, one per 10 s before
  auto& c = r.counter("c_total", "h");
  for (int i = 0; i < 180; ++i) {  // 6 minutes at 2 s
    c.inc();
    scrape(w, r, clock);
    clock.advance(std::chrono::seconds(2));
  }
  EXPECT_LE(w.size(), 36u + 30u);
  EXPECT_GE(w.size(), 35u + 25u);
  // Rates stay right at both resolutions.
  EXPECT_NEAR(w.rate("c_total", std::chrono::seconds(10)), 0.5, 1e-9);
  EXPECT_NEAR(w.rate("c_total", std::chrono::minutes(5)), 0.5, 1e-9);
  EXPECT_NEAR(w.increase("c_total", std::chrono::minutes(5)), 150, 10);
}

}  // namespace headroom::observe
