#pragma once
// install_observe: the observability module's entry point for the composition root. Samples
// system metrics (CPU, memory, error ratio, latency percentiles, active users, scale pressure),
// evaluates alert rules and sends their transitions to alerts.webhook, and serves
// GET /v1/admin/alerts, GET /v1/admin/overview and the dashboard at GET /dashboard.
// Install it after the modules whose request filters set req.subject (documents, limits).
#include <functional>
#include <memory>
#include <string>

#include "server/module_context.hpp"

namespace headroom::observe {

class AlertEngine;
class ActiveUsers;

class ObserveModule {
 public:
  explicit ObserveModule(server::ModuleContext& ctx);
  ~ObserveModule();
  ObserveModule(const ObserveModule&) = delete;
  ObserveModule& operator=(const ObserveModule&) = delete;

  // headroom_scale_pressure as a function (for the rate limiter's dynamic limits); safe to call
  // from any thread while the module lives.
  std::function<double()> scale_pressure_fn() const;
  // Other modules report users here too (e.g. a Pusher sign-in: "user:<app>/<id>").
  ActiveUsers& active_users();
  // Records a user id as active (the same key space as JWT subjects, so one person seen over HTTP
  // and WebSocket counts once); safe from any thread, a no-op once the module is gone.
  std::function<void(std::string_view user_id)> user_seen_fn() const;
  AlertEngine& alerts();
  // A named block of JSON (an array of objects renders as a table) shown on the dashboard, e.g.
  // "channels" → [{"app":"a","channel":"chat","subscribers":3}], "collections" → [...].
  // The function runs on a network thread at each dashboard poll; keep it cheap.
  void add_overview_section(std::string name, std::function<std::string()> json);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

std::unique_ptr<ObserveModule> install_observe(server::ModuleContext& ctx);

}  // namespace headroom::observe
