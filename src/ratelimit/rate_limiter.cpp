#include "ratelimit/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace headroom::ratelimit {

namespace {
constexpr int64_t kPressureCheckNs = 1'000'000'000;  // pressure is sampled at most once a second

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

int64_t scaled(int64_t value, double factor) {
  return std::max<int64_t>(1, static_cast<int64_t>(std::floor(value * factor)));
}
}  // namespace

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kAllowed:
      return "allowed";
    case Outcome::kLimited:
      return "limited";
    case Outcome::kShadowLimited:
      return "shadow_limited";
  }
  return "unknown";
}

RateLimiter::RateLimiter(const config::RateLimitConfig& config, LimiterStore& store, const Clock& clock,
                         PressureFn pressure)
    : config_(&config), store_(store), clock_(clock), pressure_(std::move(pressure)) {}

double RateLimiter::dynamic_factor() {
  if (!pressure_) return 1.0;
  const int64_t t = now();
  int64_t due = next_pressure_check_.load(std::memory_order_relaxed);
  if (t >= due && next_pressure_check_.compare_exchange_strong(due, t + kPressureCheckNs)) {
    factor_.store(pressure_() > 1.0 ? cfg().dynamic_factor : 1.0, std::memory_order_relaxed);
  }
  return factor_.load(std::memory_order_relaxed);
}

namespace {
// The tier's (rate, burst) with the app's overrides: 0 keeps the [rate_limits] value; a rate given
// without a burst scales the burst by the same ratio (anonymous 20/20 → 3/3, authenticated 100/200 → 50/100).
std::pair<int64_t, int64_t> tier_values(int rate, int burst, int app_rate, int app_burst) {
  int64_t r = app_rate > 0 ? app_rate : rate;
  int64_t b = app_burst > 0              ? app_burst
              : app_rate > 0 && rate > 0 ? std::max<int64_t>(1, int64_t{burst} * app_rate / rate)
                                         : burst;
  return {r, b};
}
}  // namespace

bool RateLimiter::overrides(const config::AppConfig* app, http::Tier tier) {
  if (app == nullptr) return false;
  switch (tier) {
    case http::Tier::kAnonymous:
      return app->anonymous_per_minute > 0 || app->anonymous_burst > 0;
    case http::Tier::kAuthenticated:
      return app->authenticated_per_minute > 0 || app->authenticated_burst > 0;
    case http::Tier::kVip:
    case http::Tier::kServer:
      return app->vip_per_minute > 0 || app->vip_burst > 0;
  }
  return false;
}

GcraLimit RateLimiter::limit_for(http::Tier tier, const config::AppConfig* app) {
  static const config::AppConfig none;
  const config::AppConfig& a = app ? *app : none;
  const config::RateLimitConfig& c = cfg();
  switch (tier) {
    case http::Tier::kAnonymous: {
      const double f = dynamic_factor();
      auto [r, b] = tier_values(c.anonymous_per_minute, c.anonymous_burst, a.anonymous_per_minute, a.anonymous_burst);
      return GcraLimit::per_minute(scaled(r, f), scaled(b, f));
    }
    case http::Tier::kAuthenticated: {
      auto [r, b] = tier_values(c.authenticated_per_minute, c.authenticated_burst, a.authenticated_per_minute,
                                a.authenticated_burst);
      return GcraLimit::per_minute(r, b);
    }
    case http::Tier::kVip:
    case http::Tier::kServer: {
      auto [r, b] = tier_values(c.vip_per_minute, c.vip_burst, a.vip_per_minute, a.vip_burst);
      return GcraLimit::per_minute(r, b);
    }
  }
  return GcraLimit::per_minute(c.anonymous_per_minute, c.anonymous_burst);
}

Verdict RateLimiter::decide(http::Tier tier, std::string_view key, int64_t cost, const config::AppConfig* app) {
  return apply(http::tier_name(tier), key, limit_for(tier, app), cost);
}

Verdict RateLimiter::decide_backend(std::string_view policy, std::string_view app_id, int64_t per_second,
                                    int64_t cost) {
  if (per_second <= 0) return Verdict{Outcome::kAllowed, Decision{}, policy};
  std::string key = "app:";
  key.append(policy).append(":").append(app_id);
  return apply(policy, key, GcraLimit::per_second(per_second, per_second), cost);
}

Verdict RateLimiter::apply(std::string_view policy, std::string_view key, const GcraLimit& limit, int64_t cost) {
  Verdict v;
  v.policy = policy;
  v.decision = store_.consume(key, limit, cost, now());
  if (!v.decision.allowed) v.outcome = cfg().shadow ? Outcome::kShadowLimited : Outcome::kLimited;
  return v;
}

int64_t route_cost(http::Method method, std::string_view path) {
  if (method == http::Method::kPost && ends_with(path, "/query")) return 2;
  if (method == http::Method::kPost && ends_with(path, "/batch_events")) return 2;
  return 1;
}

}  // namespace headroom::ratelimit
