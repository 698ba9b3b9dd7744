#include "observe/system_sampler.hpp"

#include <gtest/gtest.h>

namespace headroom::observe {

TEST(SystemSampler, CpuMemoryAndScalePressure) {
  FakeClock clock;
  metrics::Registry r;
  MetricWindow w;
  ActiveUsers users(clock);
  metrics::ProcessStats stats;
  stats.resident_bytes = 256ull << 20;
  SamplerLimits limits{2, 512ull << 20};
  SystemSampler s(r, clock, w, users, limits, ScaleTriggers{}, [&] { return stats; });
  auto& in_flight = r.gauge("headroom_http_in_flight", "h");
  s.tick();
  clock.advance(std::chrono::seconds(10));
  stats.cpu_seconds += 12;  // 1.2 cores of 2
  users.record("sub:a");
  s.tick();
  EXPECT_NEAR(r.value("headroom_cpu_utilization_ratio"), 0.6, 1e-9);
  EXPECT_NEAR(r.value("headroom_memory_utilization_ratio"), 0.5, 1e-9);
  EXPECT_NEAR(s.scale_pressure(), 0.75, 1e-9);  // cpu 0.6 / 0.8
  EXPECT_NEAR(r.value("headroom_scale_pressure"), 0.75, 1e-9);
  EXPECT_NEAR(r.value("headroom_active_users"), 1, 0.1);
  in_flight.set(90);
  clock.advance(std::chrono::seconds(2));
  s.tick();
  EXPECT_NEAR(s.scale_pressure(), 1.5, 1e-9);  // 90 / 60
  auto history = s.history_since(0);
  ASSERT_EQ(history.size(), 2u);  // the first scrape has no rates: not a point
  EXPECT_EQ(history.back().in_flight, 90);
  EXPECT_EQ(s.history_since(history[0].ts).size(), 1u);

  // A reload's triggers take over from the next sample (here: 90 in flight against 120).
  ScaleTriggers looser;
  looser.concurrent_requests = 120;
  s.set_triggers(looser);
  clock.advance(std::chrono::seconds(2));
  s.tick();
  EXPECT_NEAR(s.scale_pressure(), 0.75, 1e-9);
  EXPECT_EQ(s.triggers().concurrent_requests, 120);
}

TEST(SystemSampler, LatencyGaugesFromTheLastMinute) {
  FakeClock clock;
  metrics::Registry r;
  MetricWindow w;
  ActiveUsers users(clock);
  SystemSampler s(r, clock, w, users, SamplerLimits{}, ScaleTriggers{}, [] { return metrics::ProcessStats{}; });
  auto& h = r.histogram("headroom_http_request_duration_seconds", "h", {{"route", "/x"}});
  s.tick();
  for (int i = 0; i < 100; ++i) h.observe(0.3);
  clock.advance(std::chrono::seconds(2));
  s.tick();
  EXPECT_GT(r.value("headroom_http_latency_p95_seconds"), 0.25);
  EXPECT_GE(s.scale_pressure(), 0.25 / 0.2);
}

}  // namespace headroom::observe
