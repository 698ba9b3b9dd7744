#include "pusher/auth.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "core/crypto.hpp"
#include "http/message.hpp"

namespace headroom::pusher {
namespace {

bool verify_key_signature(const config::AppConfig& app, std::string_view auth, std::string_view signed_text) {
  const auto colon = auth.find(':');
  if (colon == std::string_view::npos) return false;
  const bool key_ok = crypto::constant_time_equal(auth.substr(0, colon), app.key);
  const bool sig_ok =
      crypto::constant_time_equal(auth.substr(colon + 1), crypto::hmac_sha256_hex(app.secret, signed_text));
  return key_ok && sig_ok;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    std::string key = http::percent_decode(part.substr(0, eq), true);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = eq == std::string_view::npos ? "" : http::percent_decode(part.substr(eq + 1), true);
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace

bool verify_channel_auth(const config::AppConfig& app, std::string_view socket_id, std::string_view channel,
                         std::string_view channel_data, std::string_view auth) {
  std::string text = std::string(socket_id) + ":" + std::string(channel);
  if (!channel_data.empty()) text += ":" + std::string(channel_data);
  return verify_key_signature(app, auth, text);
}

bool verify_user_auth(const config::AppConfig& app, std::string_view socket_id, std::string_view user_data,
                      std::string_view auth) {
  return verify_key_signature(app, auth, std::string(socket_id) + "::user::" + std::string(user_data));
}

std::string sign_channel(const config::AppConfig& app, std::string_view socket_id, std::string_view channel,
                         std::string_view channel_data) {
  std::string text = std::string(socket_id) + ":" + std::string(channel);
  if (!channel_data.empty()) text += ":" + std::string(channel_data);
  return app.key + ":" + crypto::hmac_sha256_hex(app.secret, text);
}

std::string api_string_to_sign(const ApiRequest& req) {
  auto params = parse_query(req.query);
  std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = std::string(req.method) + "\n" + std::string(req.path) + "\n";
  bool first = true;
  for (const auto& [k, v] : params) {
    if (k == "auth_signature") continue;
    if (!first) out += '&';
    first = false;
    out += k + "=" + v;
  }
  return out;
}

Status verify_api_request(const config::AppConfig& app, const ApiRequest& req, int64_t now_unix_s) {
  std::map<std::string, std::string> p;
  for (auto& [k, v] : parse_query(req.query)) p.emplace(std::move(k), std::move(v));
  auto get = [&](const char* k) -> std::string {
    auto it = p.find(k);
    return it == p.end() ? "" : it->second;
  };
  if (get("auth_key").empty() || get("auth_signature").empty() || get("auth_timestamp").empty()) {
    return {Code::kUnauthenticated, "missing auth_key, auth_timestamp or auth_signature"};
  }
  if (!crypto::constant_time_equal(get("auth_key"), app.key)) return {Code::kUnauthenticated, "unknown auth_key"};
  if (get("auth_version") != "1.0") return {Code::kUnauthenticated, "auth_version must be 1.0"};
  int64_t ts = 0;
  for (char c : get("auth_timestamp")) {
    if (c < '0' || c > '9' || ts > 1'000'000'000'000) return {Code::kUnauthenticated, "invalid auth_timestamp"};
    ts = ts * 10 + (c - '0');
  }
  if (ts < now_unix_s - 600 || ts > now_unix_s + 600) {
    return {Code::kUnauthenticated, "auth_timestamp is more than 600 s from the server's time"};
  }
  if (!req.body.empty() || p.count("body_md5")) {
    if (!crypto::constant_time_equal(get("body_md5"), crypto::md5_hex(req.body))) {
      return {Code::kUnauthenticated, "body_md5 does not match the body"};
    }
  }
  const std::string expected = crypto::hmac_sha256_hex(app.secret, api_string_to_sign(req));
  if (!crypto::constant_time_equal(get("auth_signature"), expected)) {
    return {Code::kUnauthenticated, "invalid signature: expected HMAC-SHA256 of the string to sign"};
  }
  return Status::ok();
}

std::string sign_api_query(const config::AppConfig& app, std::string_view method, std::string_view path,
                           std::string_view body, int64_t timestamp, std::string_view extra_query) {
  std::string q = "auth_key=" + app.key + "&auth_timestamp=" + std::to_string(timestamp) + "&auth_version=1.0";
  if (!body.empty()) q += "&body_md5=" + crypto::md5_hex(body);
  if (!extra_query.empty()) q += "&" + std::string(extra_query);
  const std::string sig = crypto::hmac_sha256_hex(app.secret, api_string_to_sign({method, path, q, body}));
  return q + "&auth_signature=" + sig;
}

}  // namespace headroom::pusher
