#pragma once
// The signatures a trusted Pusher client computes itself: HTTP API request signing, private and
// presence channel authorization, user sign-in, and the HS256 JWTs of the document API. The bench
// holds the app secret, so it needs no auth endpoint.
#include <cstdint>
#include <string>
#include <string_view>

namespace headroom::bench {

struct AppCredentials {
  std::string id = "app1";
  std::string key = "key1";
  std::string secret = "secret1-very-secret";
};

// "auth_key=..&auth_timestamp=..&auth_version=1.0&body_md5=..&auth_signature=.." for a request with
// no other query parameters. Signed string: "METHOD\nPATH\n<sorted query without auth_signature>".
std::string pusher_api_query(const AppCredentials& app, std::string_view method, std::string_view path,
                             std::string_view body, int64_t unix_seconds);

// "<key>:<hex hmac_sha256(secret, socket_id:channel[:channel_data])>"
std::string channel_auth(const AppCredentials& app, std::string_view socket_id, std::string_view channel,
                         std::string_view channel_data = {});
// "<key>:<hex hmac_sha256(secret, socket_id::user::user_data)>"
std::string user_auth(const AppCredentials& app, std::string_view socket_id, std::string_view user_data);

// header.payload.signature, HS256 with the app secret; claims_json is the payload object.
std::string jwt_hs256(std::string_view secret, std::string_view claims_json);

}  // namespace headroom::bench
