#pragma once
// A parsed scrape of the Registry (its Prometheus text), so rules and the dashboard read every
// series the same way — registered ones and those written by collectors at scrape time alike.
// Histogram buckets are skipped (latency comes from Registry::histogram_sum); _sum and _count stay.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/registry.hpp"

namespace headroom::metrics {

using LabelMatch = std::function<bool(const Labels&)>;

// Label helpers for LabelMatch.
std::string_view label_value(const Labels& labels, std::string_view name);
LabelMatch label_is(std::string name, std::string value);
LabelMatch label_prefix(std::string name, std::string prefix);  // e.g. code starting with "5"

class MetricSnapshot {
 public:
  static MetricSnapshot parse(std::string_view text);

  // Sum over the family's series that `match` accepts (all when empty); 0 if absent.
  double sum(const std::string& name, const LabelMatch& match = {}) const;
  // Largest value over the family's series; `fallback` if absent.
  double max(const std::string& name, double fallback = 0) const;
  bool has(const std::string& name) const { return series_.count(name) != 0; }
  const std::vector<std::pair<Labels, double>>* family(const std::string& name) const;

 private:
  std::map<std::string, std::vector<std::pair<Labels, double>>> series_;
};

}  // namespace headroom::metrics
