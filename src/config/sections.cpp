// Reads each config section into its struct, with the bounds users are told when they exceed them.
#include <fmt/format.h>

#include <fstream>
#include <limits>
#include <regex>
#include <set>

#include "config/reader.hpp"

namespace headroom::config {

namespace {
constexpr int64_t kIntMax = std::numeric_limits<int>::max();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
const std::vector<std::string> kRuleValues = {"public", "authenticated", "owner", "server"};
}  // namespace

void read_server(Reader& r, ServerConfig& s) {
  const auto& t = r.section("server");
  const std::string p = "server";
  r.get(t, p, "host", s.host);
  r.get(t, p, "port", s.port, 0, 65535);
  r.get(t, p, "threads", s.threads, 0, 256);
  r.get(t, p, "max_concurrent_requests", s.max_concurrent_requests, 1, 100000);
  r.get(t, p, "admission_queue", s.admission_queue, 0, 100000);
  r.get(t, p, "admission_queue_timeout_ms", s.admission_queue_timeout_ms, 1, 600000);
  r.get(t, p, "max_request_line_bytes", s.max_request_line_bytes, 256, 1 << 20);
  r.get(t, p, "max_header_bytes", s.max_header_bytes, 1024, 1 << 20);
  r.get(t, p, "max_body_bytes", s.max_body_bytes, 1024, int64_t{1} << 30);
  r.get(t, p, "header_timeout_ms", s.header_timeout_ms, 100, 600000);
  r.get(t, p, "idle_timeout_ms", s.idle_timeout_ms, 100, 3600000);
  r.get(t, p, "handler_timeout_ms", s.handler_timeout_ms, 10, 3600000);
  r.get(t, p, "max_connections", s.max_connections, 1, 10000000);
  r.get(t, p, "shutdown_grace_ms", s.shutdown_grace_ms, 0, 3600000);
  r.get(t, p, "test_routes", s.test_routes);
  r.get(t, p, "outbound_ca_file", s.outbound_ca_file);
  if (!s.outbound_ca_file.empty() && !std::ifstream(s.outbound_ca_file).good()) {
    r.error(fmt::format("server.outbound_ca_file = \"{}\": cannot be read; must be a PEM file of CA certificates",
                        s.outbound_ca_file));
  }
  if (s.host.empty()) r.error("server.host = \"\": must be an address to listen on, e.g. 127.0.0.1");
}

void read_misc(Reader& r, Config& c) {
  const auto& data = r.section("data");
  r.get(data, "data", "dir", c.data.dir);
  if (c.data.dir.empty()) r.error("data.dir = \"\": must name a directory");
  r.get(data, "data", "change_log_retention_hours", c.data.change_log_retention_hours, 1, 24 * 3650);

  const auto& log = r.section("log");
  r.get(log, "log", "level", c.log.level, {"trace", "debug", "info", "warn", "error", "off"});
  r.get(log, "log", "file", c.log.file);
  r.get(log, "log", "max_file_mb", c.log.max_file_mb, 1, 100000);
  r.get(log, "log", "keep_files", c.log.keep_files, 1, 10000);
  r.get(log, "log", "max_age_days", c.log.max_age_days, 0, 36500);
  r.get(log, "log", "access_log", c.log.access_log);
  r.get(log, "log", "max_errors_per_second", c.log.max_errors_per_second, 1, 1000000);

  r.get(r.section("admin"), "admin", "token", c.admin.token);
  if (!c.admin.token.empty() && c.admin.token.size() < 16) {
    r.error("admin.token = <redacted>: must be at least 16 characters");
  }

  const auto& cache = r.section("cache");
  r.get(cache, "cache", "enabled", c.cache.enabled);
  r.get(cache, "cache", "max_bytes", c.cache.max_bytes, 0, kI64Max);
  r.get(cache, "cache", "ttl_s", c.cache.ttl_s, 1, 86400 * 30);

  const auto& al = r.section("alerts");
  r.get(al, "alerts", "webhook", c.alerts.webhook);
  r.get(al, "alerts", "eval_interval_ms", c.alerts.eval_interval_ms, 100, 3600000);
  r.get(al, "alerts", "error_ratio", c.alerts.error_ratio, 0, 1);
  r.get(al, "alerts", "latency_p95_ms", c.alerts.latency_p95_ms, 1, 600000);
  r.get(al, "alerts", "cpu_ratio", c.alerts.cpu_ratio, 0, 1);
  r.get(al, "alerts", "memory_ratio", c.alerts.memory_ratio, 0, 1);
  r.get(al, "alerts", "cache_hit_ratio", c.alerts.cache_hit_ratio, 0, 1);
  r.get(al, "alerts", "rate_limited_ratio", c.alerts.rate_limited_ratio, 0, 1);
  r.get(al, "alerts", "security_failures_per_minute", c.alerts.security_failures_per_minute, 1, kIntMax);
  r.get(al, "alerts", "memory_limit_mb", c.alerts.memory_limit_mb, 0, kIntMax);
  r.get(al, "alerts", "for_ms", c.alerts.for_ms, -1, 86400000);
  r.get(al, "alerts", "quota_ratio", c.alerts.quota_ratio, 0, 1);

  const auto& b = r.section("backup");
  r.get(b, "backup", "schedule", c.backup.schedule);
  r.get(b, "backup", "keep", c.backup.keep, 1, 10000);
  r.get(b, "backup", "dir", c.backup.dir);

  const auto& ch = r.section("channels");
  r.get(ch, "channels", "webhook_batch_ms", c.channels.webhook_batch_ms, 0, 60000);
  r.get(ch, "channels", "webhook_queue", c.channels.webhook_queue, 1, 10000000);
  r.get(ch, "channels", "webhook_vacate_delay_ms", c.channels.webhook_vacate_delay_ms, 0, 600000);
  r.mark("channels.history");
  if (const auto* hist = ch.get_as<toml::array>("history")) {
    for (size_t i = 0; i < hist->size(); ++i) {
      const auto* t = hist->get_as<toml::table>(i);
      std::string path = fmt::format("channels.history[{}]", i);
      if (!t) {
        r.error(path + ": expected a table with prefix, size, ttl_s");
        continue;
      }
      HistoryRule rule;
      r.get(*t, path, "prefix", rule.prefix);
      r.get(*t, path, "size", rule.size, 1, 100000);
      r.get(*t, path, "ttl_s", rule.ttl_s, 1, 86400 * 7);
      c.channels.history.push_back(rule);
    }
  }
}

void read_limits(Reader& r, Config& c) {
  const auto& ws = r.section("websocket");
  const std::string w = "websocket";
  auto& W = c.websocket;
  r.get(ws, w, "max_connections", W.max_connections, 1, 10000000);
  r.get(ws, w, "max_channels_per_connection", W.max_channels_per_connection, 1, 100000);
  r.get(ws, w, "max_messages_per_second", W.max_messages_per_second, 1, 1000000);
  r.get(ws, w, "max_payload_bytes", W.max_payload_bytes, 64, 16 << 20);
  r.get(ws, w, "max_frame_bytes", W.max_frame_bytes, 1024, 64 << 20);
  r.get(ws, w, "send_buffer_bytes", W.send_buffer_bytes, 4096, int64_t{1} << 30);
  r.get(ws, w, "activity_timeout_s", W.activity_timeout_s, 1, 3600);
  r.get(ws, w, "pong_timeout_s", W.pong_timeout_s, 1, 3600);
  r.get(ws, w, "vip_reserved_connections", W.vip_reserved_connections, 0, 10000000);

  const auto& rl = r.section("rate_limits");
  const std::string p = "rate_limits";
  auto& R = c.rate_limits;
  r.get(rl, p, "enabled", R.enabled);
  r.get(rl, p, "shadow", R.shadow);
  r.get(rl, p, "anonymous_per_minute", R.anonymous_per_minute, 1, 100000000);
  r.get(rl, p, "anonymous_burst", R.anonymous_burst, 1, 100000000);
  r.get(rl, p, "authenticated_per_minute", R.authenticated_per_minute, 1, 100000000);
  r.get(rl, p, "authenticated_burst", R.authenticated_burst, 1, 100000000);
  r.get(rl, p, "vip_per_minute", R.vip_per_minute, 1, 100000000);
  r.get(rl, p, "vip_burst", R.vip_burst, 1, 100000000);
  r.get(rl, p, "max_keys", R.max_keys, 16, 100000000);
  r.get(rl, p, "trusted_proxies", R.trusted_proxies);
  r.get(rl, p, "dynamic_factor", R.dynamic_factor, 0.01, 1);
  r.get(rl, p, "abuse_threshold_per_minute", R.abuse_threshold_per_minute, 1, 100000000);
  r.get(rl, p, "ban_seconds", R.ban_seconds, 0, 86400 * 30);

  const auto& q = r.section("quotas");
  r.get(q, "quotas", "reads_per_day", c.quotas.reads_per_day, 0, kI64Max);
  r.get(q, "quotas", "writes_per_day", c.quotas.writes_per_day, 0, kI64Max);
  r.get(q, "quotas", "deletes_per_day", c.quotas.deletes_per_day, 0, kI64Max);
  r.get(q, "quotas", "enforce", c.quotas.enforce);
}

namespace {
void read_app(Reader& r, const toml::table& t, const std::string& path, AppConfig& a) {
  for (const auto& [k, v] : t) {
    static const std::set<std::string> known = {"id",
                                                "key",
                                                "secret",
                                                "jwt_secret",
                                                "name",
                                                "enabled",
                                                "enable_client_messages",
                                                "enable_user_authentication",
                                                "max_connections",
                                                "max_backend_events_per_sec",
                                                "max_client_events_per_sec",
                                                "max_read_requests_per_sec",
                                                "max_presence_members",
                                                "max_event_payload_kb",
                                                "allow_scans",
                                                "webhooks",
                                                "collections",
                                                "anonymous_per_minute",
                                                "anonymous_burst",
                                                "authenticated_per_minute",
                                                "authenticated_burst",
                                                "vip_per_minute",
                                                "vip_burst"};
    if (!known.count(std::string(k.str()))) r.error(fmt::format("{}.{}: unknown key", path, k.str()));
  }
  r.get(t, path, "id", a.id);
  r.get(t, path, "key", a.key);
  r.get(t, path, "secret", a.secret);
  r.get(t, path, "jwt_secret", a.jwt_secret);
  r.get(t, path, "name", a.name);
  r.get(t, path, "enabled", a.enabled);
  r.get(t, path, "enable_client_messages", a.enable_client_messages);
  r.get(t, path, "enable_user_authentication", a.enable_user_authentication);
  r.get(t, path, "max_connections", a.max_connections, 0, 10000000);
  r.get(t, path, "max_backend_events_per_sec", a.max_backend_events_per_sec, 0, 100000000);
  r.get(t, path, "max_client_events_per_sec", a.max_client_events_per_sec, 0, 100000000);
  r.get(t, path, "max_read_requests_per_sec", a.max_read_requests_per_sec, 0, 100000000);
  r.get(t, path, "max_presence_members", a.max_presence_members, 1, 100000);
  r.get(t, path, "max_event_payload_kb", a.max_event_payload_kb, 1, 16384);
  r.get(t, path, "allow_scans", a.allow_scans);
  r.get(t, path, "anonymous_per_minute", a.anonymous_per_minute, 0, 1000000000);
  r.get(t, path, "anonymous_burst", a.anonymous_burst, 0, 1000000000);
  r.get(t, path, "authenticated_per_minute", a.authenticated_per_minute, 0, 1000000000);
  r.get(t, path, "authenticated_burst", a.authenticated_burst, 0, 1000000000);
  r.get(t, path, "vip_per_minute", a.vip_per_minute, 0, 1000000000);
  r.get(t, path, "vip_burst", a.vip_burst, 0, 1000000000);
  static const std::regex kIdChars("^[A-Za-z0-9_-]{1,64}$");
  if (!std::regex_match(a.id, kIdChars)) {
    r.error(fmt::format("{}.id = \"{}\": must be 1-64 letters, digits, '-' or '_'", path, a.id));
  }
  if (!std::regex_match(a.key, kIdChars)) {
    r.error(fmt::format("{}.key = \"{}\": must be 1-64 letters, digits, '-' or '_'", path, a.key));
  }
  if (a.secret.size() < 8) r.error(fmt::format("{}.secret = <redacted>: must be at least 8 characters", path));
  if (!a.jwt_secret.empty() && a.jwt_secret.size() < 8) {
    r.error(fmt::format("{}.jwt_secret = <redacted>: must be empty (use secret) or at least 8 characters", path));
  }
  if (const auto* hooks = t.get_as<toml::array>("webhooks")) {
    for (size_t i = 0; i < hooks->size(); ++i) {
      const auto* h = hooks->get_as<toml::table>(i);
      std::string hp = fmt::format("{}.webhooks[{}]", path, i);
      if (!h) {
        r.error(hp + ": expected a table with url and event_types");
        continue;
      }
      Webhook hook;
      r.get(*h, hp, "url", hook.url);
      r.get(*h, hp, "event_types", hook.event_types);
      if (hook.url.rfind("http://", 0) != 0 && hook.url.rfind("https://", 0) != 0) {
        r.error(fmt::format("{}.url = \"{}\": must start with http:// or https://", hp, hook.url));
      }
      a.webhooks.push_back(hook);
    }
  }
  if (const auto* cols = t.get_as<toml::table>("collections")) {
    for (const auto& [name, node] : *cols) {
      std::string cp = fmt::format("{}.collections.{}", path, name.str());
      const auto* ct = node.as_table();
      if (!ct) {
        r.error(cp + ": expected a table with read, write, cache_control");
        continue;
      }
      CollectionRules rules;
      r.get(*ct, cp, "read", rules.read, kRuleValues);
      r.get(*ct, cp, "write", rules.write, kRuleValues);
      r.get(*ct, cp, "cache_control", rules.cache_control);
      a.collections[std::string(name.str())] = rules;
    }
  }
}
}  // namespace

void read_apps(Reader& r, Config& c) {
  r.mark("apps");
  const toml::node* apps = r.node("apps");
  if (!apps) return;
  const auto* arr = apps->as_array();
  if (!arr) {
    r.error("apps: expected an array of tables ([[apps]])");
    return;
  }
  std::set<std::string> ids, keys;
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto* t = arr->get_as<toml::table>(i);
    std::string path = fmt::format("apps[{}]", i);
    if (!t) {
      r.error(path + ": expected a table");
      continue;
    }
    AppConfig a;
    read_app(r, *t, path, a);
    if (!ids.insert(a.id).second) r.error(fmt::format("{}.id = \"{}\": duplicate app id", path, a.id));
    if (!keys.insert(a.key).second) r.error(fmt::format("{}.key = \"{}\": duplicate app key", path, a.key));
    c.apps.push_back(std::move(a));
  }
}

}  // namespace headroom::config
