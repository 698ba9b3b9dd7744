// `headroom config print`: the effective configuration as TOML, secrets redacted.
#include <fmt/format.h>
#include <toml++/toml.h>

#include <sstream>

#include "config/loader.hpp"

namespace headroom::config {

namespace {
constexpr const char* kRedacted = "<redacted>";

std::string secret(const std::string& s, bool redact) { return redact && !s.empty() ? kRedacted : s; }

toml::array strings(const std::vector<std::string>& v) {
  toml::array a;
  for (const auto& s : v) a.push_back(s);
  return a;
}

toml::table apps_table(const AppConfig& a, bool redact) {
  toml::table t{{"id", a.id},
                {"key", a.key},
                {"secret", secret(a.secret, redact)},
                {"jwt_secret", secret(a.jwt_secret, redact)},
                {"name", a.name},
                {"enabled", a.enabled},
                {"enable_client_messages", a.enable_client_messages},
                {"enable_user_authentication", a.enable_user_authentication},
                {"max_connections", a.max_connections},
                {"max_backend_events_per_sec", a.max_backend_events_per_sec},
                {"max_client_events_per_sec", a.max_client_events_per_sec},
                {"max_read_requests_per_sec", a.max_read_requests_per_sec},
                {"max_presence_members", a.max_presence_members},
                {"max_event_payload_kb", a.max_event_payload_kb},
                {"allow_scans", a.allow_scans},
                {"anonymous_per_minute", a.anonymous_per_minute},
                {"anonymous_burst", a.anonymous_burst},
                {"authenticated_per_minute", a.authenticated_per_minute},
                {"authenticated_burst", a.authenticated_burst},
                {"vip_per_minute", a.vip_per_minute},
                {"vip_burst", a.vip_burst}};
  toml::array hooks;
  for (const auto& h : a.webhooks)
    hooks.push_back(toml::table{{"url", h.url}, {"event_types", strings(h.event_types)}});
  t.insert("webhooks", hooks);
  toml::table cols;
  for (const auto& [name, r] : a.collections) {
    cols.insert(name, toml::table{{"read", r.read}, {"write", r.write}, {"cache_control", r.cache_control}});
  }
  t.insert("collections", cols);
  return t;
}
}  // namespace

std::string to_toml(const Config& c, bool redact) {
  const auto& s = c.server;
  toml::table root;
  root.insert("server", toml::table{{"host", s.host},
                                    {"port", s.port},
                                    {"threads", s.threads},
                                    {"max_concurrent_requests", s.max_concurrent_requests},
                                    {"admission_queue", s.admission_queue},
                                    {"admission_queue_timeout_ms", s.admission_queue_timeout_ms},
                                    {"max_request_line_bytes", s.max_request_line_bytes},
                                    {"max_header_bytes", s.max_header_bytes},
                                    {"max_body_bytes", s.max_body_bytes},
                                    {"header_timeout_ms", s.header_timeout_ms},
                                    {"idle_timeout_ms", s.idle_timeout_ms},
                                    {"handler_timeout_ms", s.handler_timeout_ms},
                                    {"max_connections", s.max_connections},
                                    {"shutdown_grace_ms", s.shutdown_grace_ms},
                                    {"test_routes", s.test_routes},
                                    {"outbound_ca_file", s.outbound_ca_file}});
  root.insert("data",
              toml::table{{"dir", c.data.dir}, {"change_log_retention_hours", c.data.change_log_retention_hours}});
  root.insert("log", toml::table{{"level", c.log.level},
                                 {"file", c.log.file},
                                 {"max_file_mb", c.log.max_file_mb},
                                 {"keep_files", c.log.keep_files},
                                 {"max_age_days", c.log.max_age_days},
                                 {"access_log", c.log.access_log},
                                 {"max_errors_per_second", c.log.max_errors_per_second}});
  root.insert("admin", toml::table{{"token", secret(c.admin.token, redact)}});
  const auto& w = c.websocket;
  root.insert("websocket", toml::table{{"max_connections", w.max_connections},
                                       {"max_channels_per_connection", w.max_channels_per_connection},
                                       {"max_messages_per_second", w.max_messages_per_second},
                                       {"max_payload_bytes", w.max_payload_bytes},
                                       {"max_frame_bytes", w.max_frame_bytes},
                                       {"send_buffer_bytes", w.send_buffer_bytes},
                                       {"activity_timeout_s", w.activity_timeout_s},
                                       {"pong_timeout_s", w.pong_timeout_s},
                                       {"vip_reserved_connections", w.vip_reserved_connections}});
  toml::array history;
  for (const auto& h : c.channels.history) {
    history.push_back(toml::table{{"prefix", h.prefix}, {"size", h.size}, {"ttl_s", h.ttl_s}});
  }
  root.insert("channels", toml::table{{"history", history},
                                      {"webhook_batch_ms", c.channels.webhook_batch_ms},
                                      {"webhook_queue", c.channels.webhook_queue},
                                      {"webhook_vacate_delay_ms", c.channels.webhook_vacate_delay_ms}});
  const auto& r = c.rate_limits;
  root.insert("rate_limits", toml::table{{"enabled", r.enabled},
                                         {"shadow", r.shadow},
                                         {"anonymous_per_minute", r.anonymous_per_minute},
                                         {"anonymous_burst", r.anonymous_burst},
                                         {"authenticated_per_minute", r.authenticated_per_minute},
                                         {"authenticated_burst", r.authenticated_burst},
                                         {"vip_per_minute", r.vip_per_minute},
                                         {"vip_burst", r.vip_burst},
                                         {"max_keys", r.max_keys},
                                         {"trusted_proxies", strings(r.trusted_proxies)},
                                         {"dynamic_factor", r.dynamic_factor},
                                         {"abuse_threshold_per_minute", r.abuse_threshold_per_minute},
                                         {"ban_seconds", r.ban_seconds}});
  root.insert("quotas", toml::table{{"reads_per_day", c.quotas.reads_per_day},
                                    {"writes_per_day", c.quotas.writes_per_day},
                                    {"deletes_per_day", c.quotas.deletes_per_day},
                                    {"enforce", c.quotas.enforce}});
  root.insert("cache",
              toml::table{{"enabled", c.cache.enabled}, {"max_bytes", c.cache.max_bytes}, {"ttl_s", c.cache.ttl_s}});
  const auto& a = c.alerts;
  root.insert("alerts", toml::table{{"webhook", a.webhook},
                                    {"eval_interval_ms", a.eval_interval_ms},
                                    {"error_ratio", a.error_ratio},
                                    {"latency_p95_ms", a.latency_p95_ms},
                                    {"cpu_ratio", a.cpu_ratio},
                                    {"memory_ratio", a.memory_ratio},
                                    {"cache_hit_ratio", a.cache_hit_ratio},
                                    {"rate_limited_ratio", a.rate_limited_ratio},
                                    {"security_failures_per_minute", a.security_failures_per_minute},
                                    {"memory_limit_mb", a.memory_limit_mb},
                                    {"for_ms", a.for_ms},
                                    {"quota_ratio", a.quota_ratio}});
  root.insert("backup", toml::table{{"schedule", c.backup.schedule}, {"keep", c.backup.keep}, {"dir", c.backup.dir}});
  toml::array apps;
  for (const auto& app : c.apps) apps.push_back(apps_table(app, redact));
  root.insert("apps", apps);
  std::ostringstream out;
  // Six significant digits (0.8, not 0.80000000000000004): config floats are ratios and thresholds.
  out << toml::toml_formatter(root, toml::toml_formatter::default_flags | toml::format_flags::relaxed_float_precision)
      << "\n";
  return out.str();
}

}  // namespace headroom::config
