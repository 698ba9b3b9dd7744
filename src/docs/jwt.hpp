#pragma once
// HS256 JSON Web Tokens signed with an app's JWT secret (app_jwt_secret): the bearer tokens of
// the /v1 document API.
// Claims: sub (required), exp (required, Unix seconds), tier "authenticated" | "vip" (default
// authenticated), role "server" (optional: the app's own backend, bypasses rules).
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/status.hpp"
#include "http/message.hpp"

namespace headroom::docs {

struct Claims {
  std::string sub;
  http::Tier tier = http::Tier::kAuthenticated;  // kAuthenticated | kVip | kServer (role "server")
  int64_t exp = 0;                               // Unix seconds
};

// The key that signs and verifies `app`'s tokens: its jwt_secret when set, so tokens and Pusher
// signatures rotate apart; else its Pusher secret. The one place that choice is made.
inline const std::string& app_jwt_secret(const config::AppConfig& app) {
  return app.jwt_secret.empty() ? app.secret : app.jwt_secret;
}

// UNAUTHENTICATED with the reason ("token expired", "bad signature", "malformed token: …").
Result<Claims> verify_jwt(std::string_view token, std::string_view secret, int64_t now_s);

// verify_jwt behind a small per-thread cache of tokens already verified: a client sends the same
// bearer token on every request of its session, and verifying it (base64url, HMAC, two JSON
// parses) costs ~5 µs — as much as serving a cached document. A hit needs the same token bytes and
// the same secret (a rotated secret misses); expiry is checked on every hit. Failures are not cached.
Result<Claims> verify_jwt_cached(std::string_view token, std::string_view secret, int64_t now_s);

// A token for `sub` valid for ttl_s seconds from now_s. tier kServer adds role "server".
std::string mint_jwt(std::string_view secret, std::string_view sub, http::Tier tier, int64_t now_s, int64_t ttl_s);

inline constexpr int64_t kMaxTtlSeconds = 10LL * 366 * 86400;  // ten years
// "1h", "30m", "45s", "2d" or plain seconds, at most kMaxTtlSeconds; -1 when malformed or longer.
int64_t parse_ttl_seconds(std::string_view text);

}  // namespace headroom::docs
