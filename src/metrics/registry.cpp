#include "metrics/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace headroom::metrics {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  s.counts.resize(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) s.counts[i] = counts_[i].load(std::memory_order_relaxed);
  s.count = count_.load(std::memory_order_relaxed);
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

double Histogram::Snapshot::quantile(double q) const {
  uint64_t total = 0;
  for (auto c : counts) total += c;
  if (total == 0) return 0;
  double rank = q * static_cast<double>(total);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    if (static_cast<double>(seen + counts[i]) >= rank) {
      double lower = i == 0 ? 0 : bounds[i - 1];
      double upper = i < bounds.size() ? bounds[i] : (bounds.empty() ? 0 : bounds.back());
      double within = (rank - static_cast<double>(seen)) / static_cast<double>(counts[i]);
      return lower + (upper - lower) * std::clamp(within, 0.0, 1.0);
    }
    seen += counts[i];
  }
  return bounds.empty() ? 0 : bounds.back();
}

Histogram::Snapshot Histogram::Snapshot::minus(const Snapshot& earlier) const {
  Snapshot d = *this;
  if (earlier.counts.size() != counts.size()) return d;
  for (size_t i = 0; i < counts.size(); ++i) d.counts[i] -= std::min(d.counts[i], earlier.counts[i]);
  d.count -= std::min(d.count, earlier.count);
  d.sum -= earlier.sum;
  return d;
}

std::vector<double> latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string format_labels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first;
    out += "=\"";
    for (char c : labels[i].second) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

namespace {
std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}
}  // namespace

void Writer::family(std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void Writer::sample(std::string_view name, const Labels& labels, double value) {
  fmt::format_to(std::back_inserter(out_), "{}{} {}\n", name, format_labels(labels), format_value(value));
}

Registry::Family& Registry::family(const std::string& name, Kind kind, const std::string& help) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.kind = kind;
    it->second.help = help;
  } else if (it->second.kind != kind) {
    throw std::logic_error("metric " + name + " registered with two types");
  }
  return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = family(name, Kind::kCounter, help).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = family(name, Kind::kGauge, help).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                               std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  auto& slot = family(name, Kind::kHistogram, help).histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
  return *slot;
}

void Registry::add_collector(std::function<void(Writer&)> collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::render() const {
  Writer w;
  std::vector<std::function<void(Writer&)>> collectors;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, fam] : families_) {
      switch (fam.kind) {
        case Kind::kCounter:
          w.family(name, "counter", fam.help);
          for (const auto& [labels, c] : fam.counters) w.sample(name, labels, static_cast<double>(c->value()));
          break;
        case Kind::kGauge:
          w.family(name, "gauge", fam.help);
          for (const auto& [labels, g] : fam.gauges) w.sample(name, labels, g->value());
          break;
        case Kind::kHistogram:
          w.family(name, "histogram", fam.help);
          for (const auto& [labels, h] : fam.histograms) {
            auto s = h->snapshot();
            uint64_t cumulative = 0;
            for (size_t i = 0; i < s.counts.size(); ++i) {
              cumulative += s.counts[i];
              Labels l = labels;
              l.emplace_back("le", i < s.bounds.size() ? format_value(s.bounds[i]) : "+Inf");
              w.sample(name + "_bucket", l, static_cast<double>(cumulative));
            }
            w.sample(name + "_sum", labels, s.sum);
            w.sample(name + "_count", labels, static_cast<double>(s.count));
          }
          break;
      }
    }
    collectors = collectors_;
  }
  for (const auto& c : collectors) c(w);
  return w.take();
}

double Registry::value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  if (auto c = it->second.counters.find(labels); c != it->second.counters.end()) {
    return static_cast<double>(c->second->value());
  }
  if (auto g = it->second.gauges.find(labels); g != it->second.gauges.end()) return g->second->value();
  return 0;
}

double Registry::sum(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  double total = 0;
  for (const auto& [l, c] : it->second.counters) total += static_cast<double>(c->value());
  for (const auto& [l, g] : it->second.gauges) total += g->value();
  return total;
}

Histogram::Snapshot Registry::histogram_sum(const std::string& name) const {
  std::lock_guard lock(mu_);
  Histogram::Snapshot total;
  auto it = families_.find(name);
  if (it == families_.end()) return total;
  for (const auto& [l, h] : it->second.histograms) {
    auto s = h->snapshot();
    if (total.counts.empty()) {
      total = s;
      continue;
    }
    for (size_t i = 0; i < s.counts.size() && i < total.counts.size(); ++i) total.counts[i] += s.counts[i];
    total.count += s.count;
    total.sum += s.sum;
  }
  return total;
}

}  // namespace headroom::metrics
