#pragma once
// Policies: which limit applies to a caller and under which key. One policy per tier
// (anonymous by client IP, authenticated and VIP by subject), per-app backend limits for the app's
// own server, per-route costs, shadow mode, and dynamic tightening of the anonymous tier while the
// instance is under scale pressure.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/message.hpp"
#include "ratelimit/gcra.hpp"
#include "ratelimit/limiter_store.hpp"

namespace headroom::ratelimit {

// Scale pressure as a ratio to the instance's triggers: > 1 means past them.
using PressureFn = std::function<double()>;

enum class Outcome { kAllowed, kLimited, kShadowLimited };
std::string_view outcome_name(Outcome o);

struct Verdict {
  Outcome outcome = Outcome::kAllowed;
  Decision decision;
  std::string_view policy;  // "anonymous", "authenticated", "vip", "backend_events", "backend_reads"
  bool refused() const { return outcome == Outcome::kLimited; }
};

class RateLimiter {
 public:
  // `config` must outlive the limiter (the server keeps every loaded config until exit).
  RateLimiter(const config::RateLimitConfig& config, LimiterStore& store, const Clock& clock, PressureFn pressure = {});

  // A config reload: the next decision uses `config` (same lifetime rule); buckets keep their state.
  void set_config(const config::RateLimitConfig& config) { config_.store(&config, std::memory_order_release); }

  // A caller's request of `cost` units under its tier's policy; `key` identifies the caller
  // ("ip:1.2.3.4", "sub:app/alice"). Tier kServer is not a caller tier: use decide_backend.
  // `app`, when given, may override the tier's rate and burst ([[apps]] anonymous_per_minute, …).
  Verdict decide(http::Tier tier, std::string_view key, int64_t cost = 1, const config::AppConfig* app = nullptr);
  // The app's own backend: `per_second` (0 = unlimited, always allowed) with a one-second burst.
  Verdict decide_backend(std::string_view policy, std::string_view app_id, int64_t per_second, int64_t cost = 1);

  // The multiplier now applied to anonymous limits (1 without pressure).
  double dynamic_factor();
  GcraLimit limit_for(http::Tier tier, const config::AppConfig* app = nullptr);
  // Whether `app` sets its own rate or burst for `tier` (its callers then get their own keys).
  static bool overrides(const config::AppConfig* app, http::Tier tier);
  bool shadow() const { return cfg().shadow; }

 private:
  Verdict apply(std::string_view policy, std::string_view key, const GcraLimit& limit, int64_t cost);
  int64_t now() const { return clock_.now().time_since_epoch().count(); }
  const config::RateLimitConfig& cfg() const { return *config_.load(std::memory_order_acquire); }

  std::atomic<const config::RateLimitConfig*> config_;  // an immutable snapshot, swapped on reload
  LimiterStore& store_;
  const Clock& clock_;
  PressureFn pressure_;
  std::atomic<int64_t> next_pressure_check_{0};
  std::atomic<double> factor_{1.0};
};

// The cost of a route in units: a query reads many documents, so it costs more than a get.
int64_t route_cost(http::Method method, std::string_view path);

}  // namespace headroom::ratelimit
