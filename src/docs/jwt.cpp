#include "docs/jwt.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <functional>
#include <unordered_map>

#include "core/crypto.hpp"

namespace headroom::docs {
namespace json = boost::json;
namespace {

Status unauthenticated(std::string reason) { return Status(Code::kUnauthenticated, std::move(reason)); }

Result<json::object> decode_part(std::string_view part, const char* what) {
  auto raw = crypto::base64url_decode(part);
  if (!raw) return unauthenticated(std::string("malformed token: ") + what + " is not base64url");
  boost::system::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) return unauthenticated(std::string("malformed token: ") + what + " is not a JSON object");
  return std::move(v.get_object());
}

std::optional<int64_t> as_int(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() < (1ULL << 62)) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) {  // in range only: converting a larger double is undefined
    const double d = v->get_double();
    if (!(d > -9.2e18 && d < 9.2e18)) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

Result<Claims> read_claims(const json::object& p) {
  Claims c;
  const json::value* sub = p.if_contains("sub");
  if (!sub || !sub->is_string() || sub->get_string().empty()) return unauthenticated("malformed token: sub missing");
  c.sub = std::string(sub->get_string());
  auto exp = as_int(p.if_contains("exp"));
  if (!exp) return unauthenticated("malformed token: exp missing");
  c.exp = *exp;
  if (const json::value* tier = p.if_contains("tier")) {
    if (!tier->is_string()) return unauthenticated("malformed token: tier must be a string");
    if (tier->get_string() == "vip") {
      c.tier = http::Tier::kVip;
    } else if (tier->get_string() != "authenticated") {
      return unauthenticated("malformed token: tier must be authenticated or vip");
    }
  }
  if (const json::value* role = p.if_contains("role"); role && role->is_string() && role->get_string() == "server") {
    c.tier = http::Tier::kServer;
  }
  return c;
}

}  // namespace

Result<Claims> verify_jwt(std::string_view token, std::string_view secret, int64_t now_s) {
  size_t d1 = token.find('.');
  size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    return unauthenticated("malformed token: expected three dot-separated parts");
  }
  auto header = decode_part(token.substr(0, d1), "header");
  if (!header) return header.status();
  const json::value* alg = header->if_contains("alg");
  if (!alg || !alg->is_string() || alg->get_string() != "HS256")
    return unauthenticated("unsupported token algorithm (HS256 only)");
  auto sig = crypto::base64url_decode(token.substr(d2 + 1));
  if (!sig || !crypto::constant_time_equal(*sig, crypto::hmac_sha256(secret, token.substr(0, d2)))) {
    return unauthenticated("bad token signature");
  }
  auto payload = decode_part(token.substr(d1 + 1, d2 - d1 - 1), "payload");
  if (!payload) return payload.status();
  auto claims = read_claims(*payload);
  if (!claims) return claims;
  if (claims->exp <= now_s) return unauthenticated("token expired");
  return claims;
}

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct VerifiedToken {
  Claims claims;
  size_t secret_hash;
};

constexpr size_t kMaxCachedTokens = 1024;  // per thread; ~0.5 MB at typical token sizes

}  // namespace

Result<Claims> verify_jwt_cached(std::string_view token, std::string_view secret, int64_t now_s) {
  thread_local std::unordered_map<std::string, VerifiedToken, StringHash, std::equal_to<>> verified;
  const size_t secret_hash = std::hash<std::string_view>{}(secret);
  if (auto it = verified.find(token); it != verified.end()) {
    if (it->second.secret_hash == secret_hash && it->second.claims.exp > now_s) return it->second.claims;
    verified.erase(it);  // expired or another secret: verify afresh (and report why it fails)
  }
  auto claims = verify_jwt(token, secret, now_s);
  if (claims) {
    if (verified.size() >= kMaxCachedTokens) verified.clear();
    verified.emplace(std::string(token), VerifiedToken{*claims, secret_hash});
  }
  return claims;
}

std::string mint_jwt(std::string_view secret, std::string_view sub, http::Tier tier, int64_t now_s, int64_t ttl_s) {
  json::object p{{"sub", sub}, {"iat", now_s}, {"exp", now_s + ttl_s}};
  p["tier"] = tier == http::Tier::kVip ? "vip" : "authenticated";
  if (tier == http::Tier::kServer) p["role"] = "server";
  std::string signing =
      crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + crypto::base64url_encode(json::serialize(p));
  return signing + "." + crypto::base64url_encode(crypto::hmac_sha256(secret, signing));
}

int64_t parse_ttl_seconds(std::string_view text) {
  if (text.empty()) return -1;
  int64_t unit = 1;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      unit = 0;
  }
  if (unit) text.remove_suffix(1);
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n <= 0) return -1;
  if (!unit) unit = 1;
  if (n > kMaxTtlSeconds / unit) return -1;  // also keeps n * unit and now + ttl from overflowing
  return n * unit;
}

}  // namespace headroom::docs
