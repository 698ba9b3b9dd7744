#include "pusher/auth.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"

namespace headroom::pusher {
namespace {

config::AppConfig app() {
  config::AppConfig a;
  a.id = "1";
  a.key = "278d425bdf160c739803";
  a.secret = "7ad3773142a6692b25b8";
  return a;
}

}  // namespace

TEST(Auth, ChannelSignatureMatchesPushersDocumentedExample) {
  // https://pusher.com/docs/channels/library_auth_reference/auth-signatures
  EXPECT_EQ(sign_channel(app(), "1234.1234", "private-foobar"),
            "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4");
  EXPECT_TRUE(
      verify_channel_auth(app(), "1234.1234", "private-foobar", "",
                          "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"));
  EXPECT_FALSE(verify_channel_auth(app(), "1234.1235", "private-foobar", "",
                                   sign_channel(app(), "1234.1234", "private-foobar")));
  EXPECT_FALSE(verify_channel_auth(app(), "1234.1234", "private-foobar", "", "nocolon"));
  auto other = app();
  other.key = "other";
  EXPECT_FALSE(verify_channel_auth(other, "1234.1234", "private-foobar", "",
                                   sign_channel(app(), "1234.1234", "private-foobar")));
}

TEST(Auth, PresenceSignsChannelData) {
  const std::string data = R"({"user_id":10,"user_info":{"name":"Mr. Channels"}})";
  const auto auth = sign_channel(app(), "1234.1234", "presence-foobar", data);
  EXPECT_TRUE(verify_channel_auth(app(), "1234.1234", "presence-foobar", data, auth));
  EXPECT_FALSE(verify_channel_auth(app(), "1234.1234", "presence-foobar", R"({"user_id":11})", auth));
}

TEST(Auth, UserSignature) {
  const auto a = app();
  const std::string data = R"({"id":"u1"})";
  const auto auth = a.key + ":" + crypto::hmac_sha256_hex(a.secret, "1.2::user::" + data);
  EXPECT_TRUE(verify_user_auth(a, "1.2", data, auth));
  EXPECT_FALSE(verify_user_auth(a, "1.3", data, auth));
}

TEST(Auth, ApiSignatureMatchesPushersDocumentedExample) {
  // The example of Pusher's HTTP API reference ("Generating authentication signatures").
  const std::string body = R"({"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"})";
  ApiRequest req{"POST", "/apps/3/events",
                 "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5="
                 "ec365a775a4cd0599faeb73354201b6f",
                 body};
  EXPECT_EQ(api_string_to_sign(req),
            "POST\n/apps/3/"
            "events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5="
            "ec365a775a4cd0599faeb73354201b6f");
  EXPECT_EQ(crypto::md5_hex(body), "ec365a775a4cd0599faeb73354201b6f");
  EXPECT_EQ(crypto::hmac_sha256_hex(app().secret, api_string_to_sign(req)),
            "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c");
}

TEST(Auth, VerifiesApiRequestsAndRejectsEveryTampering) {
  const auto a = app();
  const std::string body = R"({"name":"e","channel":"c","data":"x"})";
  const int64_t now = 1'800'000'000;
  const std::string q = sign_api_query(a, "POST", "/apps/1/events", body, now);
  EXPECT_TRUE(verify_api_request(a, {"POST", "/apps/1/events", q, body}, now).is_ok());
  EXPECT_TRUE(verify_api_request(a, {"POST", "/apps/1/events", q, body}, now + 600).is_ok());
  EXPECT_EQ(verify_api_request(a, {"POST", "/apps/1/events", q, body}, now + 601).code(), Code::kUnauthenticated);
  EXPECT_FALSE(verify_api_request(a, {"POST", "/apps/1/events", q, body + " "}, now).is_ok());
  EXPECT_FALSE(verify_api_request(a, {"POST", "/apps/2/events", q, body}, now).is_ok());
  EXPECT_FALSE(verify_api_request(a, {"GET", "/apps/1/events", q, body}, now).is_ok());
  EXPECT_FALSE(verify_api_request(a, {"POST", "/apps/1/events", q + "x", body}, now).is_ok());
  EXPECT_FALSE(verify_api_request(a, {"POST", "/apps/1/events", "", body}, now).is_ok());
  const std::string get =
      sign_api_query(a, "GET", "/apps/1/channels", "", now, "filter_by_prefix=presence-&info=user_count");
  EXPECT_TRUE(verify_api_request(a, {"GET", "/apps/1/channels", get, ""}, now).is_ok());
}

}  // namespace headroom::pusher
