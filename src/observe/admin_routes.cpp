// GET /v1/admin/alerts and GET /v1/admin/overview: JSON for operators and the dashboard. Both need
// `Authorization: Bearer <admin.token>`; neither is subject to admission or rate limits, so an
// overloaded instance can still be looked at.
#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <map>

#include "http/bearer.hpp"
#include "observe/observe_state.hpp"

namespace headroom::observe {

namespace json = boost::json;

namespace {
json::object status_json(const AlertStatus& s) {
  json::object o{{"name", s.name},
                 {"severity", severity_name(s.severity)},
                 {"state", alert_state_name(s.state)},
                 {"summary", s.summary},
                 {"threshold", s.threshold},
                 {"comparison", s.comparison},
                 {"for_ms", s.for_ms}};
  o["value"] = s.has_value ? json::value(s.value) : json::value(nullptr);
  if (s.active_since_ms) o["active_since"] = s.active_since_ms;
  if (s.fired_at_ms) o["fired_at"] = s.fired_at_ms;
  return o;
}

json::object transition_json(const AlertTransition& t) {
  return {{"name", t.name},      {"severity", severity_name(t.severity)},
          {"from", t.from},      {"to", t.to},
          {"value", t.value},    {"threshold", t.threshold},
          {"at", t.at_ms},       {"starts_at", t.starts_at_ms},
          {"summary", t.summary}};
}

json::object alerts_object(const AlertEngine& engine) {
  json::array active, rules, recent;
  for (const auto& s : engine.statuses()) {
    if (s.state != AlertState::kInactive) active.push_back(status_json(s));
    rules.push_back(status_json(s));
  }
  for (const auto& t : engine.recent()) recent.push_back(transition_json(t));
  return {{"active", active}, {"rules", rules}, {"recent", recent}};
}

json::object point_json(const OverviewPoint& p) {
  return {{"ts", p.ts},
          {"p50", p.p50},
          {"p95", p.p95},
          {"p99", p.p99},
          {"rps", p.requests_per_s},
          {"eps", p.errors_per_s},
          {"error_ratio", p.error_ratio},
          {"ws", p.ws_connections},
          {"vip", p.vip_sessions},
          {"mps", p.messages_per_s},
          {"cache_hit", p.cache_hit_ratio < 0 ? json::value(nullptr) : json::value(p.cache_hit_ratio)},
          {"cpu", p.cpu_ratio},
          {"mem", p.memory_ratio},
          {"mem_bytes", p.memory_bytes},
          {"rl", p.rate_limited_per_s},
          {"in_flight", p.in_flight},
          {"pressure", p.scale_pressure},
          {"users", p.active_users}};
}

json::array quota_json(const metrics::MetricSnapshot& m) {
  json::array out;
  const auto* used = m.family("headroom_quota_used");
  const auto* limit = m.family("headroom_quota_limit");
  if (!used) return out;
  for (const auto& [labels, u] : *used) {
    double lim = 0;
    if (limit) {
      for (const auto& [l, v] : *limit) {
        if (l == labels) lim = v;
      }
    }
    json::object row;
    for (const auto& [k, v] : labels) row[k] = v;
    row["used"] = u;
    row["limit"] = lim;
    row["ratio"] = lim > 0 ? json::value(u / lim) : json::value(nullptr);
    out.push_back(std::move(row));
  }
  return out;
}

json::array apps_json(const config::Config& c, const metrics::MetricSnapshot& m) {
  json::array out;
  for (const auto& app : c.apps) {
    out.push_back(json::object{{"id", app.id},
                               {"name", app.name},
                               {"key", app.key},
                               {"enabled", app.enabled},
                               {"collections", app.collections.size()},
                               {"webhooks", app.webhooks.size()},
                               {"max_connections", app.max_connections}});
  }
  (void)m;
  return out;
}

json::object current_json(ObserveModule::State& s, const metrics::MetricSnapshot& m) {
  json::object o = point_json(s.sampler.latest());
  o["signed_in_users"] = m.sum("headroom_ws_signed_in_users");
  o["channels"] = m.sum("headroom_channels");
  o["subscriptions"] = m.sum("headroom_channel_subscriptions");
  o["cache_bytes"] = m.sum("headroom_cache_bytes");
  o["cache_entries"] = m.sum("headroom_cache_entries");
  o["cache_hit_ratio_total"] =
      m.has("headroom_cache_hit_ratio") ? json::value(m.sum("headroom_cache_hit_ratio")) : json::value(nullptr);
  o["requests_total"] = m.sum("headroom_http_requests_total");
  o["messages_total"] = m.sum("headroom_ws_messages_total");
  o["rate_limited_total"] = m.sum("headroom_rate_limited_total");
  o["ready"] = m.has("headroom_ready") ? m.sum("headroom_ready") : 1.0;
  o["open_fds"] = m.sum("process_open_fds");
  if (m.has("headroom_backups_total")) {
    o["backups"] = json::object{{"total", m.sum("headroom_backups_total")},
                                {"failures", m.sum("headroom_backup_failures_total")},
                                {"last_success", m.sum("headroom_backup_last_success_timestamp_seconds")},
                                {"duration_s", m.sum("headroom_backup_duration_seconds")}};
  }
  o["uptime_s"] = m.has("process_start_time_seconds")
                      ? static_cast<double>(s.clock.unix_ms()) / 1000.0 - m.sum("process_start_time_seconds")
                      : 0.0;
  return o;
}

// Collections named in the config or seen by the cache (per-collection hit ratio), until the
// documents module registers a "collections" section with document counts.
json::array collections_json(const config::Config& c, const metrics::MetricSnapshot& m) {
  std::map<std::pair<std::string, std::string>, json::object> rows;
  for (const auto& app : c.apps) {
    for (const auto& [name, rules] : app.collections) {
      rows[{app.id, name}] = json::object{
          {"app", app.id}, {"collection", name}, {"read", rules.read}, {"write", rules.write}, {"cache hits", nullptr}};
    }
  }
  if (const auto* seen = m.family("headroom_cache_collection_hit_ratio")) {
    for (const auto& [labels, ratio] : *seen) {
      std::string app(metrics::label_value(labels, "app")), col(metrics::label_value(labels, "collection"));
      auto& row = rows[{app, col}];
      if (row.empty()) {
        const auto* a = c.app_by_id(app);
        auto rules = a ? c.rules_for(*a, col) : config::CollectionRules{};
        row = json::object{{"app", app}, {"collection", col}, {"read", rules.read}, {"write", rules.write}};
      }
      row["cache hits"] = json::string(std::to_string(std::lround(ratio * 100)) + " %");
    }
  }
  json::array out;
  for (auto& [key, row] : rows) {
    if (row["cache hits"].is_null()) row["cache hits"] = "–";
    out.push_back(std::move(row));
  }
  return out;
}

json::object sections_json(ObserveModule::State& s, const metrics::MetricSnapshot& m) {
  json::object out;
  auto collections = collections_json(s.current_config(), m);
  if (!collections.empty()) out["collections"] = std::move(collections);
  std::lock_guard lock(s.sections_mu);
  for (const auto& [name, fn] : s.sections) {
    boost::system::error_code ec;
    json::value v = json::parse(fn(), ec);
    out[name] = ec ? json::value(nullptr) : std::move(v);
  }
  return out;
}
}  // namespace

bool admin_authorized(const config::Config& config, const http::Request& req) {
  return http::has_admin_token(req, config.admin.token);
}

std::string alerts_json(const AlertEngine& engine) { return json::serialize(alerts_object(engine)); }

std::string overview_json(ObserveModule::State& s, int64_t since_ms) {
  auto m = s.window.latest();
  const auto& a = s.current_config().alerts;
  const auto t = s.sampler.triggers();
  json::array history;
  for (const auto& p : s.sampler.history_since(since_ms)) history.push_back(point_json(p));
  json::object o{{"ts", s.clock.unix_ms()},
                 {"instance", s.instance},
                 {"thresholds", json::object{{"cpu_ratio", t.cpu_ratio},
                                             {"memory_ratio", t.memory_ratio},
                                             {"latency_p95_s", t.latency_p95_s},
                                             {"concurrent_requests", t.concurrent_requests},
                                             {"error_ratio", a.error_ratio},
                                             {"cache_hit_ratio", a.cache_hit_ratio},
                                             {"quota_ratio", a.quota_ratio}}},
                 {"limits", json::object{{"cpu_cores", s.sampler.limits().cpu_cores},
                                         {"memory_limit_bytes", s.sampler.limits().memory_limit_bytes},
                                         {"max_concurrent_requests", s.config.server.max_concurrent_requests},
                                         {"max_ws_connections", s.config.websocket.max_connections}}},
                 {"current", current_json(s, *m)},
                 {"history", history},
                 {"quota", quota_json(*m)},
                 {"alerts", alerts_object(*s.engine)},
                 {"apps", apps_json(s.current_config(), *m)},
                 {"sections", sections_json(s, *m)}};
  return json::serialize(o);
}

void add_admin_routes(http::Router& router, const std::weak_ptr<ObserveModule::State>& weak) {
  http::RouteOptions open;
  open.admitted = false;
  auto guarded = [weak](auto render) {
    return [weak, render](http::Request& req, const http::Responder& respond) {
      auto s = weak.lock();
      if (!s) return respond(http::error_response(Code::kUnavailable, "shutting down"));
      if (!admin_authorized(s->config, req)) {
        return respond(http::admin_token_required());
      }
      auto res = http::json_response(200, render(*s, req));
      res.set_header("Cache-Control", "no-store");
      respond(std::move(res));
    };
  };
  open.label = "/v1/admin/alerts";
  router.add(http::Method::kGet, "/v1/admin/alerts",
             guarded([](ObserveModule::State& s, http::Request&) { return alerts_json(*s.engine); }), open);
  open.label = "/v1/admin/overview";
  router.add(http::Method::kGet, "/v1/admin/overview", guarded([](ObserveModule::State& s, http::Request& req) {
               return overview_json(s, std::atoll(req.query_param("since").c_str()));
             }),
             open);
}

}  // namespace headroom::observe
