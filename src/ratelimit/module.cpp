#include "ratelimit/module.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "server/module_context.hpp"

namespace headroom::ratelimit {

namespace {

constexpr std::array<std::string_view, 6> kPolicies = {"anonymous", "authenticated",  "vip",
                                                       "server",    "backend_events", "backend_reads"};
constexpr std::array<std::string_view, 4> kResults = {"allowed", "limited", "shadow_limited", "blocked"};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// "/v1/apps/{id}/..." or "/apps/{id}/..." → id.
std::string_view app_id_of(std::string_view path, std::string_view prefix) {
  if (!starts_with(path, prefix)) return {};
  auto rest = path.substr(prefix.size());
  return rest.substr(0, rest.find('/'));
}

std::string_view scope_of(http::Tier tier) {
  switch (tier) {
    case http::Tier::kAnonymous:
      return "ip";
    case http::Tier::kAuthenticated:
    case http::Tier::kVip:
      return "subject";
    case http::Tier::kServer:
      return "app";
  }
  return "ip";
}

bool presented_bearer(const http::Request& req) {
  const std::string_view auth = req.header("authorization");
  return auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ");
}

const config::AppConfig* find_app(const config::Config& c, std::string_view id) {
  for (const auto& a : c.apps) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

}  // namespace

struct RateLimitModule::Target {
  std::string_view app_id;
  bool pusher = false;   // the Pusher HTTP API (/apps/...)
  bool backend = false;  // the app's own server (tier kServer, or a Pusher call with the app's key)
};

RateLimitModule::RateLimitModule(const config::Config& config, metrics::Registry& metrics, const Clock& clock,
                                 PressureFn pressure, std::unique_ptr<LimiterStore> store)
    : clock_(clock),
      store_(store ? std::move(store)
                   : std::make_unique<MemoryLimiterStore>(static_cast<size_t>(config.rate_limits.max_keys))),
      limiter_(config.rate_limits, *store_, clock, std::move(pressure)),
      abuse_(clock, AbuseConfig{config.rate_limits.abuse_threshold_per_minute,
                                std::chrono::seconds(config.rate_limits.ban_seconds),
                                static_cast<size_t>(config.rate_limits.max_keys)}) {
  publish(config);
  for (int t = 0; t < 4; ++t) {
    auto tier = static_cast<http::Tier>(t);
    limited_[t] =
        &metrics.counter("headroom_rate_limited_total", "Requests refused by rate limits",
                         {{"tier", std::string(http::tier_name(tier))}, {"scope", std::string(scope_of(tier))}});
  }
  for (size_t p = 0; p < kPolicies.size(); ++p) {
    for (size_t r = 0; r < kResults.size(); ++r) {
      const std::string_view policy = kPolicies[p], result = kResults[r];
      decisions_[p][r] =
          &metrics.counter("headroom_ratelimit_decisions_total", "Rate-limit decisions by policy and result",
                           {{"policy", std::string(policy)}, {"result", std::string(result)}});
    }
  }
  register_collectors(metrics);
}

void RateLimitModule::publish(const config::Config& config) {
  auto next = std::make_unique<const Policy>(Policy{&config, IpMatcher(config.rate_limits.trusted_proxies)});
  std::lock_guard lock(policies_mu_);
  policy_.store(next.get(), std::memory_order_release);
  policies_.push_back(std::move(next));
}

void RateLimitModule::reload(const config::Config& next) {
  limiter_.set_config(next.rate_limits);
  abuse_.set_limits(next.rate_limits.abuse_threshold_per_minute, std::chrono::seconds(next.rate_limits.ban_seconds));
  publish(next);
}

std::optional<RateLimitModule::Target> RateLimitModule::classify(const http::Request& req,
                                                                 const config::Config& config) const {
  Target t;
  if (starts_with(req.path, "/v1/")) {
    t.app_id = app_id_of(req.path, "/v1/apps/");
  } else if (starts_with(req.path, "/apps/")) {
    t.app_id = app_id_of(req.path, "/apps/");
    t.pusher = true;
  } else {
    return std::nullopt;
  }
  t.backend = req.tier == http::Tier::kServer;
  if (!t.backend && t.pusher) {
    // Signed Pusher API calls name the app's key; the handler verifies the signature and answers 401
    // to forgeries, so a forged key only buys a 401.
    const auto* app = find_app(config, t.app_id);
    t.backend = app != nullptr && !app->key.empty() && req.query_param("auth_key") == app->key;
  }
  return t;
}

std::string RateLimitModule::caller_key(const http::Request& req, std::string_view app_id) const {
  if (req.tier != http::Tier::kAnonymous && !req.subject.empty()) return fmt::format("sub:{}/{}", app_id, req.subject);
  return "ip:" + client_ip(req.remote_ip, req.header("x-forwarded-for"), policy().trusted);
}

Verdict RateLimitModule::decide(const http::Request& req, const Target& target, const std::string& key,
                                const config::Config& config) {
  if (target.backend) {
    const auto* app = find_app(config, target.app_id);
    const bool read = req.method == http::Method::kGet || req.method == http::Method::kHead;
    const int per_second = app == nullptr ? 0 : read ? app->max_read_requests_per_sec : app->max_backend_events_per_sec;
    return limiter_.decide_backend(read ? "backend_reads" : "backend_events", target.app_id, per_second);
  }
  const auto* app = find_app(config, target.app_id);
  if (RateLimiter::overrides(app, req.tier)) {
    // The app has its own limits for this tier: its callers get their own buckets, so an IP's use of
    // this app and of the others do not drain each other.
    return limiter_.decide(req.tier, fmt::format("{}@{}", key, target.app_id), route_cost(req.method, req.path), app);
  }
  return limiter_.decide(req.tier, key, route_cost(req.method, req.path));
}

std::optional<http::Response> RateLimitModule::filter(http::Request& req) {
  const config::Config& config = *policy().config;  // one snapshot for the whole decision
  if (!config.rate_limits.enabled) return std::nullopt;
  auto target = classify(req, config);
  if (!target) return std::nullopt;
  // Who is calling: the key of bans and abuse signals. A Pusher call naming the app's (public) key
  // is limited as the app's backend, but a ban of the caller's IP still applies to it.
  const std::string key = caller_key(req, target->app_id);
  {
    if (auto ban = abuse_.banned_for(key); ban.count() > 0) {
      counter(http::tier_name(req.tier), "blocked").inc();
      req.response_headers.emplace_back("Retry-After", std::to_string(ceil_seconds(ban)));
      return http::error_response(Code::kPermissionDenied,
                                  "temporarily blocked after repeated failures or rate-limit hits");
    }
  }
  if (!target->backend && req.tier == http::Tier::kAnonymous && !target->pusher && presented_bearer(req)) {
    // The identity filter (run before this one) did not accept the token: bad, expired or forged.
    abuse_.record(key, Signal::kBadToken);
  }
  Verdict v = decide(req, *target, key, config);
  count(v, target->backend ? http::Tier::kServer : req.tier);
  if (v.decision.limit == 0) return std::nullopt;  // unlimited backend: no headers
  const auto& d = v.decision;
  req.response_headers.emplace_back("RateLimit-Limit", std::to_string(d.limit));
  req.response_headers.emplace_back("RateLimit-Remaining", std::to_string(d.remaining));
  req.response_headers.emplace_back("RateLimit-Reset", std::to_string(ceil_seconds(d.reset_after)));
  if (v.outcome == Outcome::kAllowed) return std::nullopt;
  if (!target->backend) abuse_.record(key, Signal::kLimitHit);
  if (v.outcome == Outcome::kShadowLimited) return std::nullopt;
  req.response_headers.emplace_back("Retry-After", std::to_string(std::max<int64_t>(1, ceil_seconds(d.retry_after))));
  return http::error_response(Code::kResourceExhausted,
                              fmt::format("rate limit exceeded for the {} tier; retry after {} s", v.policy,
                                          std::max<int64_t>(1, ceil_seconds(d.retry_after))));
}

void RateLimitModule::count(const Verdict& v, http::Tier tier) {
  counter(v.policy, outcome_name(v.outcome)).inc();
  if (v.outcome == Outcome::kLimited) limited_[static_cast<int>(tier)]->inc();
}

metrics::Counter& RateLimitModule::counter(std::string_view policy, std::string_view result) {
  const auto p = std::find(kPolicies.begin(), kPolicies.end(), policy) - kPolicies.begin();
  const auto r = std::find(kResults.begin(), kResults.end(), result) - kResults.begin();
  return *decisions_.at(static_cast<size_t>(p)).at(static_cast<size_t>(r));
}

void RateLimitModule::register_collectors(metrics::Registry& metrics) {
  metrics.add_collector([this](metrics::Writer& w) {
    w.family("headroom_ratelimit_keys", "gauge", "Keys held in the rate-limit table");
    w.sample("headroom_ratelimit_keys", {}, static_cast<double>(store_->size()));
    w.family("headroom_ratelimit_dynamic_factor", "gauge", "Multiplier on anonymous limits (below 1 under pressure)");
    w.sample("headroom_ratelimit_dynamic_factor", {}, limiter_.dynamic_factor());
    w.family("headroom_blocked_keys", "gauge", "Keys banned for repeated failures or limit hits");
    w.sample("headroom_blocked_keys", {}, static_cast<double>(abuse_.blocked_keys()));
    w.family("headroom_security_incident_keys", "gauge", "Keys that crossed the abuse threshold in the last minute");
    w.sample("headroom_security_incident_keys", {}, static_cast<double>(abuse_.incident_keys().size()));
    w.family("headroom_security_signals_total", "counter", "Failed signatures, bad tokens and limit hits");
    for (auto s : {Signal::kBadSignature, Signal::kBadToken, Signal::kLimitHit}) {
      w.sample("headroom_security_signals_total", {{"signal", std::string(signal_name(s))}},
               static_cast<double>(abuse_.signals(s)));
    }
  });
}

std::shared_ptr<RateLimitModule> install_ratelimit(server::ModuleContext& ctx) {
  metrics::Registry& reg = ctx.metrics;
  auto module = std::make_shared<RateLimitModule>(ctx.config, ctx.metrics, ctx.clock,
                                                  [&reg] { return reg.value("headroom_scale_pressure"); });
  ctx.hooks.add_request_filter([module](http::Request& req) { return module->filter(req); });
  ctx.hooks.on_reload([weak = std::weak_ptr(module)](const config::Config& next) {
    if (auto m = weak.lock()) m->reload(next);
  });
  return module;
}

}  // namespace headroom::ratelimit
