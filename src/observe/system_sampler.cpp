#include "observe/system_sampler.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>

namespace headroom::observe {

namespace {
constexpr size_t kHistoryPoints = 300;  // 10 minutes at the 2 s sampling period
constexpr auto kMinute = std::chrono::minutes(1);
constexpr auto kRateWindow = std::chrono::seconds(10);

double read_cpu_max() {
  std::ifstream v2("/sys/fs/cgroup/cpu.max");
  std::string quota;
  double period = 0;
  if (v2 >> quota >> period && quota != "max" && period > 0) return std::stod(quota) / period;
  std::ifstream q("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), p("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  double qv = 0, pv = 0;
  if (q >> qv && p >> pv && qv > 0 && pv > 0) return qv / pv;
  return 0;
}
}  // namespace

double cpu_limit_cores() {
  double cores = 0;
  try {
    cores = read_cpu_max();
  } catch (...) {
    cores = 0;
  }
  const double online = std::max(1u, std::thread::hardware_concurrency());
  return cores > 0 ? std::min(cores, online) : online;
}

SystemSampler::SystemSampler(metrics::Registry& r, const Clock& clock, MetricWindow& window, ActiveUsers& users,
                             SamplerLimits limits, ScaleTriggers triggers, StatsReader read)
    : registry_(r),
      clock_(clock),
      window_(window),
      users_(users),
      limits_(limits),
      triggers_(triggers),
      read_(std::move(read)),
      cpu_ratio_(r.gauge("headroom_cpu_utilization_ratio", "CPU time used over the last interval / allowed cores.")),
      cpu_cores_(r.gauge("headroom_cpu_limit_cores", "Cores this process may use (cgroup cpu.max, else online CPUs).")),
      memory_ratio_(r.gauge("headroom_memory_utilization_ratio", "Resident memory / memory limit.")),
      memory_limit_(r.gauge("headroom_memory_limit_bytes", "Memory limit: cgroup, alerts.memory_limit_mb, or 512 MB.")),
      error_ratio_(r.gauge("headroom_error_ratio", "Share of HTTP responses with a 5xx status over the last minute.")),
      p50_(r.gauge("headroom_http_latency_p50_seconds", "Median HTTP latency over the last minute.")),
      p95_(r.gauge("headroom_http_latency_p95_seconds", "95th percentile HTTP latency over the last minute.")),
      p99_(r.gauge("headroom_http_latency_p99_seconds", "99th percentile HTTP latency over the last minute.")),
      active_users_(r.gauge(
          "headroom_active_users",
          "Distinct callers (JWT subjects, else client IPs) seen in the last 5 minutes (HyperLogLog estimate).")),
      pressure_gauge_(r.gauge("headroom_scale_pressure",
                              "Largest ratio of CPU, memory, p95 latency and concurrent requests to their scale "
                              "triggers (>= 1: scale out).")) {
  cpu_cores_.set(limits_.cpu_cores);
  memory_limit_.set(static_cast<double>(limits_.memory_limit_bytes));
}

void SystemSampler::sample_process() {
  const metrics::ProcessStats stats = read_();
  const auto now = clock_.now();
  if (have_previous_) {
    const double wall = std::chrono::duration<double>(now - previous_at_).count();
    if (wall > 0) cpu_ratio_.set(std::max(0.0, stats.cpu_seconds - previous_cpu_) / wall / limits_.cpu_cores);
  }
  have_previous_ = true;
  previous_cpu_ = stats.cpu_seconds;
  previous_at_ = now;
  memory_ratio_.set(static_cast<double>(stats.resident_bytes) / static_cast<double>(limits_.memory_limit_bytes));
}

void SystemSampler::tick() {
  sample_process();
  window_.add({clock_.now(),
               std::make_shared<const metrics::MetricSnapshot>(metrics::MetricSnapshot::parse(registry_.render())),
               registry_.histogram_sum("headroom_http_request_duration_seconds")});
  OverviewPoint point = derive();
  if (window_.size() < 2) return;  // no rates from a single scrape: keep it off the charts
  std::lock_guard lock(mu_);
  history_.push_back(point);
  while (history_.size() > kHistoryPoints) history_.pop_front();
}

OverviewPoint SystemSampler::derive() {
  const auto& w = window_;
  auto now = w.latest();
  OverviewPoint p;
  p.ts = clock_.unix_ms();
  p.p50 = w.latency_quantile(0.5, kMinute);
  p.p95 = w.latency_quantile(0.95, kMinute);
  p.p99 = w.latency_quantile(0.99, kMinute);
  p.requests_per_s = w.rate("headroom_http_requests_total", kRateWindow);
  p.errors_per_s = w.rate("headroom_http_requests_total", kRateWindow, metrics::label_prefix("code", "5"));
  p.error_ratio = error_ratio(w, kMinute);
  p.ws_connections = now->sum("headroom_ws_connections");
  p.vip_sessions = now->sum("headroom_vip_sessions");
  p.messages_per_s = w.rate("headroom_ws_messages_total", kRateWindow);
  p.cache_hit_ratio = cache_hit_ratio(w, kMinute);
  p.cpu_ratio = cpu_ratio_.value();
  p.memory_ratio = memory_ratio_.value();
  p.memory_bytes = now->sum("process_resident_memory_bytes");
  p.rate_limited_per_s = w.rate("headroom_rate_limited_total", kRateWindow);
  p.in_flight = now->sum("headroom_http_in_flight");
  p.active_users = users_.estimate();
  const ScaleTriggers t = triggers();
  const double pressure = std::max({p.cpu_ratio / t.cpu_ratio, p.memory_ratio / t.memory_ratio, p.p95 / t.latency_p95_s,
                                    p.in_flight / t.concurrent_requests});
  p.scale_pressure = pressure;
  error_ratio_.set(p.error_ratio);
  p50_.set(p.p50);
  p95_.set(p.p95);
  p99_.set(p.p99);
  active_users_.set(p.active_users);
  pressure_gauge_.set(pressure);
  pressure_.store(pressure, std::memory_order_relaxed);
  return p;
}

std::vector<OverviewPoint> SystemSampler::history_since(int64_t ts) const {
  std::lock_guard lock(mu_);
  std::vector<OverviewPoint> out;
  for (const auto& p : history_) {
    if (p.ts > ts) out.push_back(p);
  }
  return out;
}

OverviewPoint SystemSampler::latest() const {
  std::lock_guard lock(mu_);
  return history_.empty() ? OverviewPoint{} : history_.back();
}

}  // namespace headroom::observe
