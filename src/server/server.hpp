#pragma once
// The HTTP/WebSocket server: event loops, the listener, shared HTTP state, built-in routes
// (/healthz, /readyz, /metrics), the hooks modules plug into, and the ordered shutdown:
//   stop accepting → fail readiness → drain hooks (WebSockets close with 4200) → close idle
//   keep-alive connections → wait for in-flight requests (up to the grace period) → stop hooks
//   (flush storage) → exit.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"
#include "server/module_context.hpp"
#include "server/websocket_route.hpp"

namespace headroom::server {

class EventLoops;
class Admission;
class HttpStats;
class HttpClient;
struct HttpCore;

class Server final : public ServerHooks, public WebSocketRoutes {
 public:
  Server(const config::Config& config, metrics::Registry& metrics);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server() override;

  http::Router& router() { return router_; }
  ModuleContext& context() { return *context_; }

  // Binds the listening socket (throws with a clear message on failure) and starts the loops.
  // Returns the bound port (useful with port 0).
  int start();
  // Blocks until SIGTERM/SIGINT (or request_shutdown()), drains, and returns the exit code.
  int run_until_signalled();
  void request_shutdown();

  // ServerHooks
  void add_request_filter(RequestFilter filter) override;
  void add_readiness_check(std::string name, std::function<std::string()> check) override;
  void on_drain(std::function<void()> fn) override;
  void on_stop(std::function<void()> fn) override;
  bool draining() const override { return draining_.load(); }
  void on_reload(std::function<void(const config::Config&)> fn) override;
  // SIGHUP calls this to re-read the config; nullptr means it failed (and said why in the log),
  // so the server keeps the config it has. Without a reloader SIGHUP is logged and ignored.
  using Reloader = std::function<std::shared_ptr<const config::Config>()>;
  void set_reloader(Reloader reloader);
  // WebSocketRoutes
  void add(std::string pattern, WebSocketAcceptor acceptor) override;

  int active_requests() const { return active_requests_.load(); }

 private:
  class Listener;
  void add_builtin_routes();
  void add_test_routes();
  std::string readiness_failure() const;
  void drain_and_stop();

  const config::Config& config_;
  metrics::Registry& metrics_;
  std::unique_ptr<EventLoops> loops_;
  http::Router router_;
  http::Router ws_router_;
  std::vector<std::pair<std::string, WebSocketAcceptor>> ws_acceptors_;
  std::vector<RequestFilter> filters_;
  std::unique_ptr<Admission> admission_;
  std::unique_ptr<HttpStats> stats_;
  std::unique_ptr<HttpClient> http_client_;
  std::unique_ptr<HttpCore> core_;
  std::unique_ptr<ModuleContext> context_;
  std::unique_ptr<Listener> listener_;
  mutable std::mutex hooks_mu_;
  std::vector<std::pair<std::string, std::function<std::string()>>> readiness_;
  std::vector<std::function<void()>> drain_hooks_;
  std::vector<std::function<void()>> stop_hooks_;
  std::vector<std::function<void(const config::Config&)>> reload_hooks_;
  Reloader reloader_;
  std::vector<std::shared_ptr<const config::Config>> reloaded_;  // alive until exit (modules may keep refs)
  void reload();
  std::atomic<bool> draining_{false};
  std::atomic<bool> shutdown_requested_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> active_requests_{0};
};

}  // namespace headroom::server
