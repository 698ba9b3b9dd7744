#include "app/reload_policy.hpp"

namespace headroom::app {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The running value of every key that cannot change live, copied into `next`.
void keep_restart_only(const config::Config& running, config::Config& next) {
  next.server = running.server;  // sockets, threads, admission control are built once
  next.data = running.data;      // the open database
  next.log = running.log;
  next.admin = running.admin;
  next.websocket = running.websocket;  // per-connection buffers and parsers are sized at accept
  next.channels = running.channels;    // history rings and the webhook batcher
  next.quotas = running.quotas;
  next.cache = running.cache;
  next.rate_limits.max_keys = running.rate_limits.max_keys;  // the key table is sized once
  next.alerts.eval_interval_ms = running.alerts.eval_interval_ms;
  next.alerts.memory_limit_mb = running.alerts.memory_limit_mb;
  next.backup.dir = running.backup.dir;
}

}  // namespace

bool applies_live(std::string_view key) {
  if (starts_with(key, "apps[") || starts_with(key, "apps.")) return true;
  if (starts_with(key, "rate_limits.")) return key != "rate_limits.max_keys";
  if (starts_with(key, "alerts.")) return key != "alerts.eval_interval_ms" && key != "alerts.memory_limit_mb";
  return key == "backup.schedule" || key == "backup.keep";
}

ReloadPlan plan_reload(const config::Config& running, config::Config& next, const std::vector<std::string>& changed) {
  ReloadPlan plan;
  for (const auto& key : changed) (applies_live(key) ? plan.applied : plan.needs_restart).push_back(key);
  keep_restart_only(running, next);
  return plan;
}

}  // namespace headroom::app
