#pragma once
// Alert rules: a condition over the metrics (a value computed from the MetricWindow, compared to a
// threshold), how long it must hold (`for`) and a severity. The same rules print as a Prometheus
// rules file (`headroom alerts rules`), with PromQL over the exported metric names.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "observe/metric_window.hpp"

namespace headroom::observe {

enum class Severity { kCritical, kWarning };
std::string_view severity_name(Severity s);

enum class Comparison { kGreater, kGreaterOrEqual, kLess };
std::string_view comparison_symbol(Comparison c);

struct AlertRule {
  std::string name;
  Severity severity = Severity::kWarning;
  std::string summary;      // one line for people
  std::string description;  // what to look at
  // The value the condition compares; nullopt: no data, so the condition is false.
  std::function<std::optional<double>(const MetricWindow&)> value;
  Comparison comparison = Comparison::kGreater;
  double threshold = 0;
  std::chrono::milliseconds for_duration{0};
  std::string promql;  // the whole condition in PromQL over /metrics names

  bool holds(double v) const;
};

// Every alert the seed names, thresholds from config.alerts (alerts.for_ms overrides every `for`).
std::vector<AlertRule> default_rules(const config::Config& config);

// A Prometheus rules file (YAML) with one group "headroom".
std::string prometheus_rules_yaml(const std::vector<AlertRule>& rules);

}  // namespace headroom::observe
