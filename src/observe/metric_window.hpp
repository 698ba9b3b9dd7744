#pragma once
// The last few minutes of scrapes, so rules and the dashboard can ask "how much did this counter
// grow over the last minute" and "what was p95 over the last minute" without a Prometheus.
// Thread-safe; samples older than max_age are dropped (bounded memory).
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>

#include "core/clock.hpp"
#include "metrics/exposition.hpp"
#include "metrics/registry.hpp"

namespace headroom::observe {

class MetricWindow {
 public:
  using Duration = Clock::Duration;
  struct Sample {
    Clock::TimePoint at;
    std::shared_ptr<const metrics::MetricSnapshot> metrics;
    metrics::Histogram::Snapshot latency;  // merged headroom_http_request_duration_seconds
  };

  // Samples newer than `fine_age` are all kept; older ones are thinned to one per `coarse_step`,
  // so five-minute windows cost a few dozen scrapes, not a hundred and fifty.
  explicit MetricWindow(Duration max_age = std::chrono::minutes(6), Duration fine_age = std::chrono::seconds(70),
                        Duration coarse_step = std::chrono::seconds(10))
      : max_age_(max_age), fine_age_(fine_age), coarse_step_(coarse_step) {}

  void add(Sample sample);
  // Current values; an empty snapshot before the first sample.
  std::shared_ptr<const metrics::MetricSnapshot> latest() const;

  // Growth of a counter family over the window (from the oldest sample inside it to the newest);
  // a counter that went down (restart) counts from zero.
  double increase(const std::string& name, Duration window, const metrics::LabelMatch& match = {}) const;
  // increase / seconds actually covered; 0 with fewer than two samples.
  double rate(const std::string& name, Duration window, const metrics::LabelMatch& match = {}) const;
  // Latency quantile (seconds) of requests finished inside the window; 0 when none.
  double latency_quantile(double q, Duration window) const;
  // Requests finished inside the window (count of the latency histogram).
  double latency_count(Duration window) const;
  size_t size() const;

 private:
  // The newest sample and the oldest one no older than `window`, under the lock.
  std::pair<const Sample*, const Sample*> span(Duration window) const;

  void thin();

  Duration max_age_;
  Duration fine_age_;
  Duration coarse_step_;
  mutable std::mutex mu_;
  std::deque<Sample> samples_;
};

// Derived values both the sampler's gauges and the alert rules use.
// 5xx responses over all responses in the window; 0 without traffic.
double error_ratio(const MetricWindow& w, Clock::Duration window);
// Cache hits over lookups in the window; nullopt-like -1 without lookups.
double cache_hit_ratio(const MetricWindow& w, Clock::Duration window);

}  // namespace headroom::observe
