#pragma once
// Samples the system every few seconds: CPU utilisation of the allowed cores, resident memory
// against the limit, a scrape of the Registry into the MetricWindow, and the derived gauges —
// error ratio, latency p50/p95/p99 over the last minute, active users and scale pressure (the
// largest ratio of a value to the seed's scale trigger). Keeps a short history for the dashboard.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "core/clock.hpp"
#include "metrics/process_stats.hpp"
#include "metrics/registry.hpp"
#include "observe/active_users.hpp"
#include "observe/metric_window.hpp"

namespace headroom::observe {

struct ScaleTriggers {
  double cpu_ratio = 0.8;           // seed: CPU > 80 %
  double memory_ratio = 0.8;        // seed: memory > 80 %
  double latency_p95_s = 0.2;       // seed: latency > 200 ms
  double concurrent_requests = 60;  // seed: concurrent requests > 60
};

struct SamplerLimits {
  double cpu_cores = 1;  // cores this process may use (cgroup cpu.max or the machine)
  uint64_t memory_limit_bytes = 512ull << 20;
};

// One point of the dashboard's charts.
struct OverviewPoint {
  int64_t ts = 0;                    // Unix ms
  double p50 = 0, p95 = 0, p99 = 0;  // seconds, last minute
  double requests_per_s = 0, errors_per_s = 0, error_ratio = 0;
  double ws_connections = 0, vip_sessions = 0, messages_per_s = 0;
  double cache_hit_ratio = -1;  // -1: no lookups
  double cpu_ratio = 0, memory_ratio = 0, memory_bytes = 0;
  double rate_limited_per_s = 0, in_flight = 0, scale_pressure = 0, active_users = 0;
};

// cgroup v2 cpu.max (quota / period) or v1 cfs quota; else the number of online CPUs.
double cpu_limit_cores();

class SystemSampler {
 public:
  using StatsReader = std::function<metrics::ProcessStats()>;
  SystemSampler(metrics::Registry& registry, const Clock& clock, MetricWindow& window, ActiveUsers& users,
                SamplerLimits limits, ScaleTriggers triggers, StatsReader read = metrics::read_process_stats);
  SystemSampler(const SystemSampler&) = delete;
  SystemSampler& operator=(const SystemSampler&) = delete;

  void tick();
  double scale_pressure() const { return pressure_.load(std::memory_order_relaxed); }
  std::vector<OverviewPoint> history_since(int64_t ts) const;
  OverviewPoint latest() const;
  const SamplerLimits& limits() const { return limits_; }
  ScaleTriggers triggers() const {
    std::lock_guard lock(triggers_mu_);
    return triggers_;
  }
  // A config reload's thresholds; the next tick's scale pressure uses them. Any thread.
  void set_triggers(const ScaleTriggers& t) {
    std::lock_guard lock(triggers_mu_);
    triggers_ = t;
  }

 private:
  void sample_process();
  OverviewPoint derive();

  metrics::Registry& registry_;
  const Clock& clock_;
  MetricWindow& window_;
  ActiveUsers& users_;
  SamplerLimits limits_;
  mutable std::mutex triggers_mu_;
  ScaleTriggers triggers_;  // guarded by triggers_mu_
  StatsReader read_;
  bool have_previous_ = false;
  double previous_cpu_ = 0;
  Clock::TimePoint previous_at_{};

  metrics::Gauge& cpu_ratio_;
  metrics::Gauge& cpu_cores_;
  metrics::Gauge& memory_ratio_;
  metrics::Gauge& memory_limit_;
  metrics::Gauge& error_ratio_;
  metrics::Gauge& p50_;
  metrics::Gauge& p95_;
  metrics::Gauge& p99_;
  metrics::Gauge& active_users_;
  metrics::Gauge& pressure_gauge_;
  std::atomic<double> pressure_{0};

  mutable std::mutex mu_;
  std::deque<OverviewPoint> history_;
};

}  // namespace headroom::observe
