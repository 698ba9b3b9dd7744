#pragma once
// What the composition root hands each feature module (channels, documents, limits, cache,
// observability, backups) so it can plug itself in: config, routes, metrics, time, executors,
// outgoing HTTP, readiness checks and request filters. Modules keep references; everything here
// outlives them.
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/executor.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"

namespace headroom::server {

class HttpClient;
class WebSocketRoutes;  // websocket_route.hpp (includes Asio; only WebSocket code needs it)

// Runs on the network thread for every request of an admitted route, before admission control,
// in the order added. It may fill req.tier / req.subject (identity), add req.response_headers, or
// answer at once by returning a response (e.g. 401, 429).
using RequestFilter = std::function<std::optional<http::Response>(http::Request&)>;

// The hooks the server exposes; implemented by server::Server.
class ServerHooks {
 public:
  virtual ~ServerHooks() = default;
  virtual void add_request_filter(RequestFilter filter) = 0;
  // A readiness check: /readyz fails (503) while any returns a non-empty reason.
  virtual void add_readiness_check(std::string name, std::function<std::string()> check) = 0;
  // Called once on SIGTERM, after accepting stopped and before in-flight work is awaited.
  virtual void on_drain(std::function<void()> fn) = 0;
  // Called once at exit, after in-flight requests finished (flush storage here).
  virtual void on_stop(std::function<void()> fn) = 0;
  virtual bool draining() const = 0;
  // Called after SIGHUP re-read and validated the config file, with the new config (kept alive
  // until exit). Modules that can apply changes live opt in here; the others keep the config
  // they started with (docs/operations.md lists which keys take effect without a restart).
  virtual void on_reload(std::function<void(const config::Config&)> fn) { (void)fn; }
};

struct ModuleContext {
  const config::Config& config;
  http::Router& router;
  metrics::Registry& metrics;
  Clock& clock;
  Executor& executor;  // loop 0: module timers and short tasks; never block in them
  HttpClient& http_client;
  ServerHooks& hooks;
  WebSocketRoutes& websockets;
  // Every event loop's executor, by loop index (loops[0] is `executor`); a connection stays on
  // one loop for its whole life, so per-loop state posts its work to that loop's executor.
  std::span<Executor* const> loops;
};

}  // namespace headroom::server
