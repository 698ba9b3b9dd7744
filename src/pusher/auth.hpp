#pragma once
// Pusher's signatures: channel authorization and user authentication (signed by the app's
// backend, checked here), and the HTTP API request signature. Constant-time compares throughout.
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/status.hpp"

namespace headroom::pusher {

// auth = "<key>:<hex hmac_sha256(secret, socket_id:channel[:channel_data])>"
bool verify_channel_auth(const config::AppConfig& app, std::string_view socket_id, std::string_view channel,
                         std::string_view channel_data, std::string_view auth);
// auth = "<key>:<hex hmac_sha256(secret, socket_id::user::user_data)>"
bool verify_user_auth(const config::AppConfig& app, std::string_view socket_id, std::string_view user_data,
                      std::string_view auth);
// What a backend would send (tests).
std::string sign_channel(const config::AppConfig& app, std::string_view socket_id, std::string_view channel,
                         std::string_view channel_data = {});

struct ApiRequest {
  std::string_view method;  // "POST"
  std::string_view path;    // "/apps/1/events"
  std::string_view query;   // raw query string
  std::string_view body;
};

// The string an HTTP API request is signed over: "METHOD\nPATH\nk=v&..." with keys lowercased and
// sorted, values percent-decoded, auth_signature left out.
std::string api_string_to_sign(const ApiRequest& req);
// OK, or UNAUTHENTICATED (wrong key, stale timestamp, bad body_md5 or signature) /
// INVALID_ARGUMENT (unsupported auth_version). now_unix_s is the server's clock.
Status verify_api_request(const config::AppConfig& app, const ApiRequest& req, int64_t now_unix_s);
// A signed query string for req (tests and the bench script's twin).
std::string sign_api_query(const config::AppConfig& app, std::string_view method, std::string_view path,
                           std::string_view body, int64_t timestamp, std::string_view extra_query = {});

}  // namespace headroom::pusher
