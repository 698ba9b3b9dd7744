#include "ratelimit/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace headroom::ratelimit {

namespace {
constexpr int64_t kPressureCheckNs = 1'000'000'000;  // pressure is sampled at most once a second

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

int64_t scaled(int value, double factor) {
  return std::max<int64_t>(1, static_cast<int64_t>(std::floor(value * factor)));
}
}  // namespace

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kAllowed: return "allowed";
    case Outcome::kLimited: return "limited";
    case Outcome::kShadowLimited: return "shadow_limited";
  }
  return "unknown";
}

RateLimiter::RateLimiter(const config::RateLimitConfig& config, LimiterStore& store, const Clock& clock,
                         PressureFn pressure)
    : config_(config), store_(store), clock_(clock), pressure_(std::move(pressure)) {}

double RateLimiter::dynamic_factor() {
  if (!pressure_) return 1.0;
  const int64_t t = now();
  int64_t due = next_pressure_check_.load(std::memory_order_relaxed);
  if (t >= due && next_pressure_check_.compare_exchange_strong(due, t + kPressureCheckNs)) {
    factor_.store(pressure_() > 1.0 ? config_.dynamic_factor : 1.0, std::memory_order_relaxed);
  }
  return factor_.load(std::memory_order_relaxed);
}

GcraLimit RateLimiter::limit_for(http::Tier tier) {
  switch (tier) {
    case http::Tier::kAnonymous: {
      const double f = dynamic_factor();
      return GcraLimit::per_minute(scaled(config_.anonymous_per_minute, f), scaled(config_.anonymous_burst, f));
    }
    case http::Tier::kAuthenticated:
      return GcraLimit::per_minute(config_.authenticated_per_minute, config_.authenticated_burst);
    case http::Tier::kVip:
    case http::Tier::kServer:
      return GcraLimit::per_minute(config_.vip_per_minute, config_.vip_burst);
  }
  return GcraLimit::per_minute(config_.anonymous_per_minute, config_.anonymous_burst);
}

Verdict RateLimiter::decide(http::Tier tier, std::string_view key, int64_t cost) {
  return apply(http::tier_name(tier), key, limit_for(tier), cost);
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
  if (!v.decision.allowed) v.outcome = config_.shadow ? Outcome::kShadowLimited : Outcome::kLimited;
  return v;
}

int64_t route_cost(http::Method method, std::string_view path) {
  if (method == http::Method::kPost && ends_with(path, "/query")) return 2;
  if (method == http::Method::kPost && ends_with(path, "/batch_events")) return 2;
  return 1;
}

}  // namespace headroom::ratelimit
