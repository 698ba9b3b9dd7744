#include "signing.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"

namespace headroom::bench {

// Vectors from Pusher's documentation (pusher.com/docs/channels/library_auth_reference).
TEST(Signing, ChannelAuthMatchesPusherDocs) {
  AppCredentials app{"3", "278d425bdf160c739803", "7ad3773142a6692b25b8"};
  EXPECT_EQ(channel_auth(app, "1234.1234", "private-foobar"),
            "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4");
  EXPECT_EQ(channel_auth(app, "1234.1234", "presence-foobar", R"({"user_id":10,"user_info":{"name":"Mr. Channels"}})"),
            "278d425bdf160c739803:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80");
}

TEST(Signing, ApiQueryMatchesPusherDocs) {
  AppCredentials app{"3", "278d425bdf160c739803", "7ad3773142a6692b25b8"};
  std::string body = R"({"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"})";
  std::string q = pusher_api_query(app, "POST", "/apps/3/events", body, 1353088179);
  EXPECT_EQ(q,
            "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0"
            "&body_md5=ec365a775a4cd0599faeb73354201b6f"
            "&auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c");
}

TEST(Signing, UserAuthAndJwt) {
  AppCredentials app{"1", "k", "s"};
  EXPECT_EQ(user_auth(app, "1.2", "{}"), "k:" + crypto::hmac_sha256_hex("s", "1.2::user::{}"));
  std::string jwt = jwt_hs256("s", R"({"sub":"u1"})");
  auto dot = jwt.rfind('.');
  EXPECT_EQ(jwt.substr(dot + 1), crypto::base64url_encode(crypto::hmac_sha256("s", jwt.substr(0, dot))));
  EXPECT_EQ(*crypto::base64url_decode(jwt.substr(jwt.find('.') + 1, dot - jwt.find('.') - 1)), R"({"sub":"u1"})");
}

}  // namespace headroom::bench
