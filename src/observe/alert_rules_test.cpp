#include "observe/alert_rules.hpp"

#include <gtest/gtest.h>

#include <set>

namespace headroom::observe {

namespace {
const AlertRule& find(const std::vector<AlertRule>& rules, const std::string& name) {
  for (const auto& r : rules) {
    if (r.name == name) return r;
  }
  throw std::runtime_error("no rule " + name);
}
}  // namespace

TEST(DefaultRules, EverySeedAlertWithConfiguredThresholds) {
  config::Config c;
  c.alerts.error_ratio = 0.1;
  c.alerts.latency_p95_ms = 300;
  auto rules = default_rules(c);
  std::set<std::string> names;
  for (const auto& r : rules) names.insert(r.name);
  for (const char* n :
       {"ServiceDown", "HighErrorRate", "DatabaseErrors", "SecurityIncident", "AbusiveClient", "HighLatency", "HighCpu",
        "HighMemory", "HeavyRateLimiting", "LowCacheHitRatio", "QuotaNearLimit"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
  EXPECT_EQ(find(rules, "HighErrorRate").threshold, 0.1);
  EXPECT_EQ(find(rules, "HighErrorRate").severity, Severity::kCritical);
  EXPECT_EQ(find(rules, "HighLatency").threshold, 0.3);
  EXPECT_EQ(find(rules, "HighLatency").severity, Severity::kWarning);
  EXPECT_EQ(find(rules, "HighCpu").threshold, 0.8);
  c.alerts.for_ms = 250;
  for (const auto& r : default_rules(c)) EXPECT_EQ(r.for_duration.count(), 250);
}

TEST(DefaultRules, EvaluateAgainstAWindow) {
  config::Config c;
  auto rules = default_rules(c);
  FakeClock clock;
  metrics::Registry reg;
  MetricWindow w;
  auto scrape = [&] {
    w.add({clock.now(),
           std::make_shared<const metrics::MetricSnapshot>(metrics::MetricSnapshot::parse(reg.render())),
           {}});
  };
  auto& ok = reg.counter("headroom_http_requests_total", "h", {{"code", "200"}});
  auto& bad = reg.counter("headroom_http_requests_total", "h", {{"code", "500"}});
  reg.gauge("headroom_quota_used", "h", {{"app", "a"}, {"kind", "read"}}).set(45000);
  reg.gauge("headroom_quota_limit", "h", {{"app", "a"}, {"kind", "read"}}).set(50000);
  scrape();
  EXPECT_FALSE(find(rules, "HighErrorRate").value(w).has_value());  // no traffic, no data
  clock.advance(std::chrono::seconds(10));
  ok.inc(8);
  bad.inc(2);
  scrape();
  auto v = find(rules, "HighErrorRate").value(w);
  ASSERT_TRUE(v.has_value());
  EXPECT_NEAR(*v, 0.2, 1e-9);
  EXPECT_TRUE(find(rules, "HighErrorRate").holds(*v));
  auto q = find(rules, "QuotaNearLimit").value(w);
  ASSERT_TRUE(q.has_value());
  EXPECT_NEAR(*q, 0.9, 1e-9);
  EXPECT_TRUE(find(rules, "QuotaNearLimit").holds(*q));
  EXPECT_EQ(*find(rules, "DatabaseErrors").value(w), 0);
  auto& healthy = reg.gauge("headroom_db_healthy", "h");
  healthy.set(0);
  clock.advance(std::chrono::seconds(1));
  scrape();
  EXPECT_TRUE(find(rules, "DatabaseErrors").holds(*find(rules, "DatabaseErrors").value(w)));
  healthy.set(1);
  reg.counter("headroom_storage_errors_total", "h", {{"thread", "reader"}}).inc();
  clock.advance(std::chrono::seconds(1));
  scrape();
  EXPECT_EQ(*find(rules, "DatabaseErrors").value(w), 1);
  EXPECT_FALSE(find(rules, "LowCacheHitRatio").value(w).has_value());
  EXPECT_FALSE(find(rules, "BackupFailed").value(w).has_value());  // no backup service, no data
  reg.counter("headroom_backups_total", "h");
  auto& backup_failures = reg.counter("headroom_backup_failures_total", "h");
  scrape();
  clock.advance(std::chrono::seconds(1));
  backup_failures.inc();
  scrape();
  EXPECT_TRUE(find(rules, "BackupFailed").holds(*find(rules, "BackupFailed").value(w)));
  reg.counter("headroom_http_requests_total", "h", {{"code", "401"}}).inc(31);
  clock.advance(std::chrono::seconds(1));
  scrape();
  EXPECT_EQ(*find(rules, "SecurityIncident").value(w), 31);
  reg.gauge("headroom_cpu_limit_cores", "h").set(2);
  auto& cpu = reg.counter("process_cpu_seconds_total", "h");
  scrape();
  clock.advance(std::chrono::seconds(10));
  cpu.inc(18);  // 1.8 of 2 cores for 10 s
  scrape();
  // 18 CPU seconds over the 24 s the window covers, on 2 cores.
  EXPECT_NEAR(*find(rules, "HighCpu").value(w), 18.0 / 24 / 2, 0.01);
  EXPECT_TRUE(find(rules, "SecurityIncident").holds(31));
}

TEST(PrometheusRules, YamlNamesEveryRule) {
  config::Config c;
  auto yaml = prometheus_rules_yaml(default_rules(c));
  EXPECT_NE(yaml.find("groups:\n  - name: headroom\n"), std::string::npos);
  EXPECT_NE(yaml.find("- alert: HighErrorRate\n"), std::string::npos);
  EXPECT_NE(yaml.find("severity: critical"), std::string::npos);
  EXPECT_NE(yaml.find("for: 2m"), std::string::npos);
  EXPECT_NE(yaml.find(R"(code=~"5..")"), std::string::npos);
}

}  // namespace headroom::observe
