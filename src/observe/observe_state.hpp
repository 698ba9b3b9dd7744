#pragma once
// The observability module's shared state (internal to src/observe): owned by ObserveModule,
// reached by its routes, timers and request filter through shared/weak pointers.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.hpp"
#include "core/executor.hpp"
#include "http/message.hpp"
#include "observe/active_users.hpp"
#include "observe/alert_notifier.hpp"
#include "observe/alerts.hpp"
#include "observe/metric_window.hpp"
#include "observe/observe_module.hpp"
#include "observe/system_sampler.hpp"

namespace headroom::observe {

struct ObserveModule::State {
  State(server::ModuleContext& ctx, SamplerLimits limits, ScaleTriggers triggers);

  const config::Config& config;  // as started (admin token, limits shown on the dashboard)
  metrics::Registry& metrics;
  server::HttpClient& http_client;
  Executor& executor;
  const Clock& clock;
  std::string instance;
  MetricWindow window;
  ActiveUsers users;
  SystemSampler sampler;
  std::mutex notifier_mu;
  std::shared_ptr<AlertNotifier> notifier;  // null when alerts.webhook is empty; guarded by notifier_mu
  std::string notifier_url;
  std::atomic<const config::Config*> current;  // the latest loaded config (SIGHUP swaps it)
  std::unique_ptr<AlertEngine> engine;
  PeriodicTask sample_task;
  PeriodicTask eval_task;
  PeriodicTask log_retention_task;
  std::mutex sections_mu;
  std::map<std::string, std::function<std::string()>> sections;

  void on_transition(const AlertTransition& t);
  const config::Config& current_config() const { return *current.load(std::memory_order_acquire); }
  // SIGHUP: alert thresholds and `for` (the rules) and alerts.webhook. `next` must outlive the
  // state (the server keeps every loaded config). Any thread.
  void reload(const config::Config& next);
  void set_webhook(const std::string& url);
};

// Routes (admin_routes.cpp, dashboard_routes.cpp).
bool admin_authorized(const config::Config& config, const http::Request& req);
std::string alerts_json(const AlertEngine& engine);
std::string overview_json(ObserveModule::State& state, int64_t since_ms);
void add_admin_routes(http::Router& router, const std::weak_ptr<ObserveModule::State>& state);
void add_dashboard_routes(http::Router& router);

}  // namespace headroom::observe
