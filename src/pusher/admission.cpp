#include "pusher/admission.hpp"

#include <algorithm>

namespace headroom::pusher {

ConnectionAdmission::Result ConnectionAdmission::admit(const config::AppConfig& app) {
  const config::WebSocketConfig& ws = config_().websocket;
  const int before = connections_.fetch_add(1);
  if (before >= ws.max_connections) {
    connections_.fetch_sub(1);
    return Result::kInstanceFull;
  }
  std::lock_guard lock(mu_);
  int& n = app_connections_[app.id];
  if (app.max_connections > 0 && n >= app.max_connections) {
    connections_.fetch_sub(1);
    return Result::kAppFull;
  }
  ++n;
  stats_.connections.add(1);
  // Small instances keep at most a twentieth of their slots for VIPs (1000 → the configured 50).
  const int reserved = std::min(ws.vip_reserved_connections, ws.max_connections / 20);
  return before >= ws.max_connections - reserved ? Result::kVipOnly : Result::kOk;
}

void ConnectionAdmission::release(const config::AppConfig& app) {
  connections_.fetch_sub(1);
  stats_.connections.add(-1);
  std::lock_guard lock(mu_);
  --app_connections_[app.id];
}

}  // namespace headroom::pusher
