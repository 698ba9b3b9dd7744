#include "observe/metric_window.hpp"

#include <algorithm>

namespace headroom::observe {

void MetricWindow::add(Sample sample) {
  std::lock_guard lock(mu_);
  samples_.push_back(std::move(sample));
  while (samples_.size() > 1 && samples_.back().at - samples_.front().at > max_age_) samples_.pop_front();
  thin();
}

void MetricWindow::thin() {
  const auto fine_edge = samples_.back().at - fine_age_;
  size_t i = 0;
  while (i + 1 < samples_.size() && samples_[i + 1].at < fine_edge) {
    if (samples_[i + 1].at - samples_[i].at < coarse_step_) {
      samples_.erase(samples_.begin() + static_cast<std::ptrdiff_t>(i + 1));
    } else {
      ++i;
    }
  }
}

std::shared_ptr<const metrics::MetricSnapshot> MetricWindow::latest() const {
  std::lock_guard lock(mu_);
  if (samples_.empty()) return std::make_shared<const metrics::MetricSnapshot>();
  return samples_.back().metrics;
}

size_t MetricWindow::size() const {
  std::lock_guard lock(mu_);
  return samples_.size();
}

std::pair<const MetricWindow::Sample*, const MetricWindow::Sample*> MetricWindow::span(Duration window) const {
  if (samples_.empty()) return {nullptr, nullptr};
  const Sample& newest = samples_.back();
  auto it = std::lower_bound(samples_.begin(), samples_.end(), newest.at - window,
                             [](const Sample& s, Clock::TimePoint t) { return s.at < t; });
  return {&newest, &*it};
}

double MetricWindow::increase(const std::string& name, Duration window, const metrics::LabelMatch& match) const {
  std::lock_guard lock(mu_);
  auto [newest, oldest] = span(window);
  if (!newest || newest == oldest) return 0;
  const double now = newest->metrics->sum(name, match);
  const double then = oldest->metrics->sum(name, match);
  return now >= then ? now - then : now;
}

double MetricWindow::rate(const std::string& name, Duration window, const metrics::LabelMatch& match) const {
  double seconds = 0;
  {
    std::lock_guard lock(mu_);
    auto [newest, oldest] = span(window);
    if (!newest || newest == oldest) return 0;
    seconds = std::chrono::duration<double>(newest->at - oldest->at).count();
  }
  return seconds > 0 ? increase(name, window, match) / seconds : 0;
}

double MetricWindow::latency_quantile(double q, Duration window) const {
  std::lock_guard lock(mu_);
  auto [newest, oldest] = span(window);
  if (!newest) return 0;
  if (newest == oldest) return 0;
  return newest->latency.minus(oldest->latency).quantile(q);
}

double MetricWindow::latency_count(Duration window) const {
  std::lock_guard lock(mu_);
  auto [newest, oldest] = span(window);
  if (!newest || newest == oldest) return 0;
  return static_cast<double>(newest->latency.minus(oldest->latency).count);
}

double error_ratio(const MetricWindow& w, Clock::Duration window) {
  const double total = w.increase("headroom_http_requests_total", window);
  if (total <= 0) return 0;
  return w.increase("headroom_http_requests_total", window, metrics::label_prefix("code", "5")) / total;
}

double cache_hit_ratio(const MetricWindow& w, Clock::Duration window) {
  const double hits = w.increase("headroom_cache_hits_total", window);
  const double misses = w.increase("headroom_cache_misses_total", window);
  if (hits + misses <= 0) return -1;
  return hits / (hits + misses);
}

}  // namespace headroom::observe
