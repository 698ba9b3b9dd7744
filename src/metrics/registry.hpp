#pragma once
// A small metrics registry. Each module asks for its series once (at construction), keeps the
// returned reference, and updates it lock-free on the hot path; /metrics renders the registry in
// the Prometheus text format. Values that are cheaper to compute on scrape (sizes of tables,
// process stats) are registered as collectors.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  void add(double d) { v_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v);
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> counts;  // per bucket (not cumulative); last is +Inf
    uint64_t count = 0;
    double sum = 0;
    // Estimated quantile (0..1) by linear interpolation inside the bucket; 0 when empty.
    double quantile(double q) const;
    Snapshot minus(const Snapshot& earlier) const;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Latency buckets in seconds: 100 µs to 10 s.
std::vector<double> latency_buckets();

// Writes samples for collectors in the Prometheus text format.
class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> bounds = latency_buckets());
  // Called on every scrape, after the registered series.
  void add_collector(std::function<void(Writer&)> collector);
  std::string render() const;

  // Looks up a series' current value (tests, alert rules). Counters and gauges only; 0 if absent.
  double value(const std::string& name, const Labels& labels = {}) const;
  // Sum over every series of a family (all label values).
  double sum(const std::string& name) const;
  // Merged histogram over every series of a family.
  Histogram::Snapshot histogram_sum(const std::string& name) const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Family {
    Kind kind;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, Kind kind, const std::string& help);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::vector<std::function<void(Writer&)>> collectors_;
};

std::string format_labels(const Labels& labels);

}  // namespace headroom::metrics
