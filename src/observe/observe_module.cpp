#include "observe/observe_module.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

#include "metrics/process_stats.hpp"
#include "observe/log_retention.hpp"
#include "observe/observe_state.hpp"

namespace headroom::observe {

namespace {
constexpr uint64_t kAssumedMemoryLimit = 512ull << 20;  // seed: Cloud Run 512 MB

SamplerLimits limits_from(const config::Config& c) {
  SamplerLimits l;
  l.cpu_cores = cpu_limit_cores();
  if (c.alerts.memory_limit_mb > 0) {
    l.memory_limit_bytes = static_cast<uint64_t>(c.alerts.memory_limit_mb) << 20;
  } else {
    l.memory_limit_bytes = metrics::cgroup_memory_limit().value_or(kAssumedMemoryLimit);
  }
  return l;
}

ScaleTriggers triggers_from(const config::Config& c) {
  ScaleTriggers t;
  t.cpu_ratio = c.alerts.cpu_ratio > 0 ? c.alerts.cpu_ratio : 0.8;
  t.memory_ratio = c.alerts.memory_ratio > 0 ? c.alerts.memory_ratio : 0.8;
  t.latency_p95_s = c.alerts.latency_p95_ms / 1000.0;
  // seed: scale at 60 concurrent requests of Cloud Run's 80, i.e. three quarters of the limit.
  t.concurrent_requests = std::max(1.0, 0.75 * c.server.max_concurrent_requests);
  return t;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "headroom";
  return buf;
}
}  // namespace

ObserveModule::State::State(server::ModuleContext& ctx, SamplerLimits limits, ScaleTriggers triggers)
    : config(ctx.config),
      metrics(ctx.metrics),
      http_client(ctx.http_client),
      executor(ctx.executor),
      clock(ctx.clock),
      instance(host_name()),
      users(ctx.clock),
      sampler(ctx.metrics, ctx.clock, window, users, limits, triggers),
      current(&ctx.config) {
  set_webhook(config.alerts.webhook);
  engine = std::make_unique<AlertEngine>(default_rules(config), ctx.clock, ctx.metrics,
                                         [this](const AlertTransition& t) { on_transition(t); });
}

void ObserveModule::State::on_transition(const AlertTransition& t) {
  const auto sev = severity_name(t.severity);
  if (t.to == "firing" && t.severity == Severity::kCritical) {
    spdlog::error("alert {} {} -> {} ({}): {}; value {:.4g} {} {:.4g}", t.name, t.from, t.to, sev, t.summary, t.value,
                  t.comparison, t.threshold);
  } else {
    spdlog::warn("alert {} {} -> {} ({}): {}; value {:.4g} {} {:.4g}", t.name, t.from, t.to, sev, t.summary, t.value,
                 t.comparison, t.threshold);
  }
  // Receivers care about firing and resolved; pending and cleared-while-pending stay in the log.
  if (t.to != "firing" && t.to != "resolved") return;
  std::shared_ptr<AlertNotifier> n;
  {
    std::lock_guard lock(notifier_mu);
    n = notifier;
  }
  if (n) n->enqueue(alert_webhook_body(t, instance));
}

void ObserveModule::State::set_webhook(const std::string& url) {
  std::lock_guard lock(notifier_mu);
  if (url == notifier_url && (notifier || url.empty())) return;
  // A new URL gets a new notifier; what the old one still holds is delivered to the old URL.
  notifier = url.empty() ? nullptr : AlertNotifier::create(url, http_client, executor, metrics);
  notifier_url = url;
}

void ObserveModule::State::reload(const config::Config& next) {
  current.store(&next, std::memory_order_release);
  engine->set_rules(default_rules(next));
  sampler.set_triggers(triggers_from(next));
  set_webhook(next.alerts.webhook);
}

ObserveModule::ObserveModule(server::ModuleContext& ctx)
    : state_(std::make_shared<State>(ctx, limits_from(ctx.config), triggers_from(ctx.config))) {
  std::weak_ptr<State> weak = state_;
  const auto eval = std::chrono::milliseconds(ctx.config.alerts.eval_interval_ms);
  const auto sample = std::min(eval, std::chrono::milliseconds(2000));
  state_->sampler.tick();
  state_->sample_task = PeriodicTask(ctx.executor, sample, [weak] {
    if (auto s = weak.lock()) s->sampler.tick();
  });
  state_->eval_task = PeriodicTask(ctx.executor, eval, [weak] {
    if (auto s = weak.lock()) s->engine->evaluate(s->window);
  });
  if (!ctx.config.log.file.empty() && ctx.config.log.max_age_days > 0) {
    const std::string file = ctx.config.log.file;
    const auto max_age = std::chrono::hours(24) * ctx.config.log.max_age_days;
    auto prune = [file, max_age] {
      if (int n = prune_rotated_logs(file, std::chrono::system_clock::now() - max_age); n > 0) {
        spdlog::info("log retention: deleted {} rotated log files older than {} days", n,
                     std::chrono::duration_cast<std::chrono::hours>(max_age).count() / 24);
      }
    };
    ctx.executor.post(prune);
    state_->log_retention_task = PeriodicTask(ctx.executor, std::chrono::hours(1), prune);
  }
  ctx.hooks.add_request_filter([weak](http::Request& req) -> std::optional<http::Response> {
    if (auto s = weak.lock()) {
      if (!req.subject.empty()) {
        s->users.record(ActiveUsers::Kind::kSubject, req.subject);
      } else if (!req.remote_ip.empty()) {
        s->users.record(ActiveUsers::Kind::kAddress, req.remote_ip);
      }
    }
    return std::nullopt;
  });
  ctx.hooks.on_reload([weak](const config::Config& next) {
    if (auto s = weak.lock()) s->reload(next);
  });
  add_admin_routes(ctx.router, weak);
  add_dashboard_routes(ctx.router);
}

ObserveModule::~ObserveModule() {
  state_->sample_task = PeriodicTask();
  state_->eval_task = PeriodicTask();
  state_->log_retention_task = PeriodicTask();
}

std::function<double()> ObserveModule::scale_pressure_fn() const {
  std::weak_ptr<State> weak = state_;
  return [weak] {
    auto s = weak.lock();
    return s ? s->sampler.scale_pressure() : 0.0;
  };
}

ActiveUsers& ObserveModule::active_users() { return state_->users; }

std::function<void(std::string_view)> ObserveModule::user_seen_fn() const {
  std::weak_ptr<State> weak = state_;
  return [weak](std::string_view user_id) {
    if (auto s = weak.lock()) s->users.record(ActiveUsers::Kind::kSubject, user_id);
  };
}
AlertEngine& ObserveModule::alerts() { return *state_->engine; }

void ObserveModule::add_overview_section(std::string name, std::function<std::string()> json) {
  std::lock_guard lock(state_->sections_mu);
  state_->sections[std::move(name)] = std::move(json);
}

std::unique_ptr<ObserveModule> install_observe(server::ModuleContext& ctx) {
  return std::make_unique<ObserveModule>(ctx);
}

}  // namespace headroom::observe
