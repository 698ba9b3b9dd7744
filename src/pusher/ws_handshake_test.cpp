#include "pusher/ws_handshake.hpp"

#include <gtest/gtest.h>

namespace headroom::pusher::ws {

TEST(Handshake, AcceptKeyMatchesRfc6455Example) {
  EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(Handshake, ValidatesTheUpgradeRequest) {
  http::Request req;
  req.headers = {{"upgrade", "websocket"},
                 {"connection", "keep-alive, Upgrade"},
                 {"sec-websocket-version", "13"},
                 {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  auto ok = handshake_response(req);
  ASSERT_TRUE(ok);
  EXPECT_NE(ok->find("101 Switching Protocols"), std::string::npos);
  EXPECT_NE(ok->find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos);
  EXPECT_EQ(ok->find("Sec-WebSocket-Extensions"), std::string::npos);  // no permessage-deflate
  auto old = req;
  old.headers[2].second = "8";
  EXPECT_EQ(handshake_response(old).status().code(), Code::kFailedPrecondition);
  auto bad_key = req;
  bad_key.headers[3].second = "short";
  EXPECT_FALSE(handshake_response(bad_key));
  EXPECT_NE(http_error_text(426, "x").find("Sec-WebSocket-Version: 13"), std::string::npos);
}

}  // namespace headroom::pusher::ws

namespace headroom::pusher::ws {

// Regression, found by ws_handshake_fuzz: a key with stray low bits ("...Zq==" decodes to the same
// 16 bytes as "...ZQ=="), missing or extra padding was accepted, and Upgrade / Connection were
// matched as substrings ("Connection: notupgrade") rather than as list tokens.
TEST(Handshake, NonCanonicalKeysAndSubstringTokensAreRefused) {
  http::Request req;
  req.headers = {{"upgrade", "websocket"},
                 {"connection", "Upgrade"},
                 {"sec-websocket-version", "13"},
                 {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  ASSERT_TRUE(handshake_response(req));
  for (const char* key : {"dGhlIHNhbXBsZSBub25jZq==", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ===="}) {
    auto bad = req;
    bad.headers[3].second = key;
    EXPECT_FALSE(handshake_response(bad)) << key;
  }
  auto substring = req;
  substring.headers[1].second = "notupgrade";
  EXPECT_FALSE(handshake_response(substring));
  substring = req;
  substring.headers[0].second = "websocketx";
  EXPECT_FALSE(handshake_response(substring));
  auto listed = req;
  listed.headers[1].second = "keep-alive,\tUpgrade";
  EXPECT_TRUE(handshake_response(listed));
}

}  // namespace headroom::pusher::ws
