#include "signing.hpp"

#include "core/crypto.hpp"

namespace headroom::bench {

std::string pusher_api_query(const AppCredentials& app, std::string_view method, std::string_view path,
                             std::string_view body, int64_t unix_seconds) {
  // Keys already in sorted order: auth_key < auth_timestamp < auth_version < body_md5.
  std::string query = "auth_key=" + app.key + "&auth_timestamp=" + std::to_string(unix_seconds) +
                      "&auth_version=1.0&body_md5=" + crypto::md5_hex(body);
  std::string to_sign;
  to_sign.append(method).append("\n").append(path).append("\n").append(query);
  return query + "&auth_signature=" + crypto::hmac_sha256_hex(app.secret, to_sign);
}

std::string channel_auth(const AppCredentials& app, std::string_view socket_id, std::string_view channel,
                         std::string_view channel_data) {
  std::string to_sign;
  to_sign.append(socket_id).append(":").append(channel);
  if (!channel_data.empty()) to_sign.append(":").append(channel_data);
  return app.key + ":" + crypto::hmac_sha256_hex(app.secret, to_sign);
}

std::string user_auth(const AppCredentials& app, std::string_view socket_id, std::string_view user_data) {
  std::string to_sign;
  to_sign.append(socket_id).append("::user::").append(user_data);
  return app.key + ":" + crypto::hmac_sha256_hex(app.secret, to_sign);
}

std::string jwt_hs256(std::string_view secret, std::string_view claims_json) {
  std::string token = crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  token.append(".").append(crypto::base64url_encode(claims_json));
  std::string sig = crypto::base64url_encode(crypto::hmac_sha256(secret, token));
  return token + "." + sig;
}

}  // namespace headroom::bench
