#include "observe/alert_rules.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace headroom::observe {

namespace {
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
constexpr auto kMinute = minutes(1);
constexpr auto kFive = minutes(5);

// Exported by the documents module for its store (src/docs/storage_metrics.cpp), one series per
// store thread; the rule sums them.
constexpr const char* kStorageErrors = "headroom_storage_errors_total";

std::optional<double> ratio_of(double part, double whole, double min_whole = 1) {
  if (whole < min_whole) return std::nullopt;
  return part / whole;
}

std::optional<double> quota_use(const MetricWindow& w) {
  auto now = w.latest();
  const auto* used = now->family("headroom_quota_used");
  const auto* limit = now->family("headroom_quota_limit");
  if (!used || !limit) return std::nullopt;
  std::optional<double> worst;
  for (const auto& [labels, u] : *used) {
    for (const auto& [l, lim] : *limit) {
      if (l == labels && lim > 0) worst = std::max(worst.value_or(0), u / lim);
    }
  }
  return worst;
}

AlertRule rule(std::string name, Severity sev, std::string summary, std::string description) {
  AlertRule r;
  r.name = std::move(name);
  r.severity = sev;
  r.summary = std::move(summary);
  r.description = std::move(description);
  return r;
}

void add_critical(std::vector<AlertRule>& out, const config::AlertsConfig& a) {
  auto down = rule("ServiceDown", Severity::kCritical, "Headroom is not ready",
                   "/readyz fails: storage or broker unreachable, or draining. Check /readyz and the log.");
  down.value = [](const MetricWindow& w) -> std::optional<double> {
    auto now = w.latest();
    if (!now->has("headroom_ready")) return std::nullopt;
    return 1 - now->sum("headroom_ready");
  };
  down.threshold = 0;
  down.for_duration = kMinute;
  down.promql = R"(up{job="headroom"} == 0 or headroom_ready == 0)";
  out.push_back(std::move(down));

  auto errors = rule("HighErrorRate", Severity::kCritical, "Many requests fail with 5xx",
                     "The share of HTTP responses with a 5xx status over the last minute is above the threshold.");
  errors.value = [](const MetricWindow& w) {
    return ratio_of(w.increase("headroom_http_requests_total", kMinute, metrics::label_prefix("code", "5")),
                    w.increase("headroom_http_requests_total", kMinute));
  };
  errors.threshold = a.error_ratio;
  errors.for_duration = minutes(2);
  errors.promql = fmt::format(
      R"(sum(rate(headroom_http_requests_total{{code=~"5.."}}[1m])) / sum(rate(headroom_http_requests_total[1m])) > {})",
      a.error_ratio);
  out.push_back(std::move(errors));

  auto db = rule("DatabaseErrors", Severity::kCritical, "The database reports errors",
                 "A storage thread caught an exception in the last 5 minutes (the request was answered "
                 "500; see the log), or headroom_db_healthy is 0 (storage refuses writes: a failed commit or "
                 "fsync, disk full).");
  db.value = [](const MetricWindow& w) {
    double total = w.increase(kStorageErrors, kFive);
    auto now = w.latest();
    if (now->has("headroom_db_healthy") && now->max("headroom_db_healthy") < 1) total += 1;
    return std::optional<double>(total);
  };
  db.threshold = 0;
  db.promql = fmt::format("sum(increase({}[5m])) > 0 or min(headroom_db_healthy) == 0", kStorageErrors);
  out.push_back(std::move(db));

  auto security = rule("SecurityIncident", Severity::kCritical, "Burst of failed signatures or tokens",
                       "Failed Pusher signatures, rejected JWTs or admin tokens in the last minute (the larger of "
                       "the security signals and HTTP 401 responses) are at or above the threshold.");
  security.value = [](const MetricWindow& w) {
    const double signals = w.increase("headroom_security_signals_total", kMinute, [](const metrics::Labels& l) {
      auto s = metrics::label_value(l, "signal");
      return s == "bad_signature" || s == "bad_token";
    });
    const double unauthorized = w.increase("headroom_http_requests_total", kMinute, metrics::label_is("code", "401"));
    return std::optional<double>(std::max(signals, unauthorized));
  };
  security.comparison = Comparison::kGreaterOrEqual;
  security.threshold = a.security_failures_per_minute;
  security.promql = fmt::format(
      R"(sum(increase(headroom_security_signals_total{{signal=~"bad_signature|bad_token"}}[1m])) >= {0} or )"
      R"(sum(increase(headroom_http_requests_total{{code="401"}}[1m])) >= {0})",
      a.security_failures_per_minute);
  out.push_back(std::move(security));

  auto abuse = rule("AbusiveClient", Severity::kCritical, "A client is hammering the limits",
                    "At least one IP or user crossed rate_limits.abuse_threshold_per_minute failures or limit hits.");
  abuse.value = [](const MetricWindow& w) -> std::optional<double> {
    auto now = w.latest();
    if (!now->has("headroom_security_incident_keys")) return std::nullopt;
    return now->sum("headroom_security_incident_keys");
  };
  abuse.threshold = 0;
  abuse.promql = "headroom_security_incident_keys > 0";
  out.push_back(std::move(abuse));
}

void add_resources(std::vector<AlertRule>& out, const config::AlertsConfig& a) {
  auto latency = rule("HighLatency", Severity::kWarning, "p95 latency above the scale trigger",
                      "The 95th percentile of HTTP request latency over 5 minutes is above alerts.latency_p95_ms.");
  latency.value = [](const MetricWindow& w) -> std::optional<double> {
    if (w.latency_count(kFive) < 1) return std::nullopt;
    return w.latency_quantile(0.95, kFive);
  };
  latency.threshold = a.latency_p95_ms / 1000.0;
  latency.for_duration = kFive;
  latency.promql = fmt::format(
      "histogram_quantile(0.95, sum by (le) (rate(headroom_http_request_duration_seconds_bucket[5m]))) > {}",
      latency.threshold);
  out.push_back(std::move(latency));

  auto cpu = rule("HighCpu", Severity::kWarning, "CPU above the scale trigger",
                  "CPU utilisation of the allowed cores, averaged over a minute, is above alerts.cpu_ratio.");
  // Averaged over a minute, so one quiet sample does not restart the 5-minute `for`.
  cpu.value = [](const MetricWindow& w) -> std::optional<double> {
    auto now = w.latest();
    const double cores = now->sum("headroom_cpu_limit_cores");
    if (!now->has("process_cpu_seconds_total") || cores <= 0 || w.size() < 2) return std::nullopt;
    return w.rate("process_cpu_seconds_total", kMinute) / cores;
  };
  cpu.threshold = a.cpu_ratio;
  cpu.for_duration = kFive;
  cpu.promql = fmt::format("rate(process_cpu_seconds_total[5m]) / headroom_cpu_limit_cores > {}", a.cpu_ratio);
  out.push_back(std::move(cpu));

  auto mem = rule("HighMemory", Severity::kWarning, "Memory above the scale trigger",
                  "Resident memory over the memory limit is above alerts.memory_ratio.");
  mem.value = [](const MetricWindow& w) -> std::optional<double> {
    auto now = w.latest();
    if (!now->has("headroom_memory_utilization_ratio")) return std::nullopt;
    return now->sum("headroom_memory_utilization_ratio");
  };
  mem.threshold = a.memory_ratio;
  mem.for_duration = kFive;
  mem.promql = fmt::format("process_resident_memory_bytes / headroom_memory_limit_bytes > {}", a.memory_ratio);
  out.push_back(std::move(mem));
}

void add_usage(std::vector<AlertRule>& out, const config::Config& c) {
  const auto& a = c.alerts;
  auto limited = rule("HeavyRateLimiting", Severity::kWarning, "Many requests are rate limited",
                      "The share of rate-limit decisions that refused (or would refuse, in shadow mode) is high.");
  limited.value = [](const MetricWindow& w) {
    return ratio_of(w.increase("headroom_ratelimit_decisions_total", kFive,
                               [](const metrics::Labels& l) {
                                 auto r = metrics::label_value(l, "result");
                                 return r == "limited" || r == "shadow_limited";
                               }),
                    w.increase("headroom_ratelimit_decisions_total", kFive), 10);
  };
  limited.threshold = a.rate_limited_ratio;
  limited.for_duration = kFive;
  limited.promql = fmt::format(
      R"(sum(rate(headroom_ratelimit_decisions_total{{result=~"limited|shadow_limited"}}[5m])) / sum(rate(headroom_ratelimit_decisions_total[5m])) > {})",
      a.rate_limited_ratio);
  out.push_back(std::move(limited));

  auto cache = rule("LowCacheHitRatio", Severity::kWarning, "Cache hit ratio is low",
                    "Cache hits over lookups in the last 5 minutes are below alerts.cache_hit_ratio.");
  cache.value = [](const MetricWindow& w) {
    const double hits = w.increase("headroom_cache_hits_total", kFive);
    return ratio_of(hits, hits + w.increase("headroom_cache_misses_total", kFive), 20);
  };
  cache.comparison = Comparison::kLess;
  cache.threshold = a.cache_hit_ratio;
  cache.for_duration = minutes(10);
  cache.promql = fmt::format(
      "sum(rate(headroom_cache_hits_total[5m])) / (sum(rate(headroom_cache_hits_total[5m])) + "
      "sum(rate(headroom_cache_misses_total[5m]))) < {}",
      a.cache_hit_ratio);
  out.push_back(std::move(cache));

  auto backup = rule("BackupFailed", Severity::kWarning, "Backups are failing",
                     "A scheduled backup failed (retries included) and none succeeded in the last 5 minutes.");
  backup.value = [](const MetricWindow& w) -> std::optional<double> {
    if (!w.latest()->has("headroom_backup_failures_total")) return std::nullopt;
    if (w.increase("headroom_backups_total", kFive) > 0) return 0.0;
    return w.increase("headroom_backup_failures_total", kFive);
  };
  backup.threshold = 0;
  backup.promql = "increase(headroom_backup_failures_total[15m]) > 0 and increase(headroom_backups_total[15m]) == 0";
  out.push_back(std::move(backup));

  auto quota = rule("QuotaNearLimit", Severity::kWarning, "An app used most of a daily quota",
                    "Reads, writes or deletes of an app today reached alerts.quota_ratio of quotas.*_per_day.");
  quota.value = quota_use;
  quota.comparison = Comparison::kGreaterOrEqual;
  quota.threshold = a.quota_ratio;
  quota.promql = fmt::format("headroom_quota_used / (headroom_quota_limit > 0) >= {}", a.quota_ratio);
  out.push_back(std::move(quota));
}

std::string prom_duration(milliseconds d) {
  auto ms = d.count();
  if (ms % 60000 == 0) return fmt::format("{}m", ms / 60000);
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

std::string yaml_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}
}  // namespace

std::string_view severity_name(Severity s) { return s == Severity::kCritical ? "critical" : "warning"; }

std::string_view comparison_symbol(Comparison c) {
  switch (c) {
    case Comparison::kGreater:
      return ">";
    case Comparison::kGreaterOrEqual:
      return ">=";
    case Comparison::kLess:
      return "<";
  }
  return "?";
}

bool AlertRule::holds(double v) const {
  switch (comparison) {
    case Comparison::kGreater:
      return v > threshold;
    case Comparison::kGreaterOrEqual:
      return v >= threshold;
    case Comparison::kLess:
      return v < threshold;
  }
  return false;
}

std::vector<AlertRule> default_rules(const config::Config& config) {
  std::vector<AlertRule> rules;
  add_critical(rules, config.alerts);
  add_resources(rules, config.alerts);
  add_usage(rules, config);
  if (config.alerts.for_ms >= 0) {
    for (auto& r : rules) r.for_duration = milliseconds(config.alerts.for_ms);
  }
  return rules;
}

std::string prometheus_rules_yaml(const std::vector<AlertRule>& rules) {
  std::string out = "# Generated by `headroom alerts rules`: the alerts Headroom evaluates in process.\n";
  out += "groups:\n  - name: headroom\n    rules:\n";
  for (const auto& r : rules) {
    out += fmt::format("      - alert: {}\n        expr: {}\n", r.name, yaml_quote(r.promql));
    if (r.for_duration.count() > 0) out += fmt::format("        for: {}\n", prom_duration(r.for_duration));
    out += fmt::format("        labels:\n          severity: {}\n", severity_name(r.severity));
    out += fmt::format("        annotations:\n          summary: {}\n          description: {}\n",
                       yaml_quote(r.summary), yaml_quote(r.description + " Value: {{ $value }}."));
  }
  return out;
}

}  // namespace headroom::observe
