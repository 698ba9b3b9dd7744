#pragma once
// The rate-limit module as the server sees it: a request filter for /v1 and the Pusher HTTP API
// (/apps/) that picks the caller's policy, answers 429 (or 403 for a banned key) before the
// handler runs, and adds RateLimit-* headers to every limited route's response. It owns the
// limiter store, the abuse monitor and the metrics.
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/message.hpp"
#include "metrics/registry.hpp"
#include "ratelimit/abuse_monitor.hpp"
#include "ratelimit/client_ip.hpp"
#include "ratelimit/limiter_store.hpp"
#include "ratelimit/rate_limiter.hpp"

namespace headroom::server {
struct ModuleContext;
}

namespace headroom::ratelimit {

class RateLimitModule {
 public:
  // `store` defaults to a MemoryLimiterStore of config.rate_limits.max_keys keys. `config` must
  // outlive the module (the server keeps every loaded config until exit).
  RateLimitModule(const config::Config& config, metrics::Registry& metrics, const Clock& clock,
                  PressureFn pressure = {}, std::unique_ptr<LimiterStore> store = nullptr);
  RateLimitModule(const RateLimitModule&) = delete;
  RateLimitModule& operator=(const RateLimitModule&) = delete;

  // SIGHUP: tier policies, per-app overrides, shadow mode, dynamic factor, trusted proxies and the
  // abuse threshold/ban apply to the next decision; buckets and bans keep their state. max_keys
  // keeps its running value (the key table is sized once). Any thread; `next` has the same lifetime
  // rule as the constructor's config.
  void reload(const config::Config& next);

  // The request filter: nullopt lets the request through (headers added to req.response_headers).
  std::optional<http::Response> filter(http::Request& req);

  // Other modules report failed signatures and bad tokens here (key: "ip:<addr>" or "sub:<app>/<sub>").
  AbuseMonitor& abuse() { return abuse_; }
  RateLimiter& limiter() { return limiter_; }
  LimiterStore& store() { return *store_; }
  // The rate-limit key of a caller, as the filter uses it.
  std::string caller_key(const http::Request& req, std::string_view app_id) const;

 private:
  struct Target;
  // What a reload swaps: the config and what is derived from it, immutable once published.
  struct Policy {
    const config::Config* config;
    IpMatcher trusted;
  };
  const Policy& policy() const { return *policy_.load(std::memory_order_acquire); }
  void publish(const config::Config& config);
  std::optional<Target> classify(const http::Request& req, const config::Config& config) const;
  Verdict decide(const http::Request& req, const Target& target, const std::string& key, const config::Config& config);
  void count(const Verdict& v, http::Tier tier);
  metrics::Counter& counter(std::string_view policy, std::string_view result);
  void register_collectors(metrics::Registry& metrics);

  const Clock& clock_;
  std::mutex policies_mu_;
  std::vector<std::unique_ptr<const Policy>> policies_;  // every one published, kept: readers hold no lock
  std::atomic<const Policy*> policy_{nullptr};
  std::unique_ptr<LimiterStore> store_;
  RateLimiter limiter_;
  AbuseMonitor abuse_;
  std::array<metrics::Counter*, 4> limited_{};                   // by tier
  std::array<std::array<metrics::Counter*, 4>, 6> decisions_{};  // [policy][result], see module.cpp
};

// Installs the filter on ctx.hooks and returns the module (the filter keeps it alive). Scale pressure
// is read from the headroom_scale_pressure gauge.
std::shared_ptr<RateLimitModule> install_ratelimit(server::ModuleContext& ctx);

}  // namespace headroom::ratelimit
