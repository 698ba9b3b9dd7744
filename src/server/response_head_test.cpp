#include "server/response_head.hpp"

#include <gtest/gtest.h>

namespace headroom::server {

TEST(ResponseHead, HasStatusLengthRequestIdAndConnection) {
  http::Response res = http::json_response(201, R"({"ok":true})");
  res.set_header("ETag", "\"3\"");
  std::string head = serialize_head(res, "abc-1", true);
  EXPECT_EQ(head.rfind("HTTP/1.1 201 Created\r\n", 0), 0u);
  EXPECT_NE(head.find("Content-Length: 11\r\n"), std::string::npos);
  EXPECT_NE(head.find("X-Request-Id: abc-1\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: application/json\r\n"), std::string::npos);  // the default
  EXPECT_NE(head.find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_NE(head.find("ETag: \"3\"\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

TEST(ResponseHead, NotModifiedHasNoLength) {
  http::Response res;
  res.status = 304;
  std::string head = serialize_head(res, "", false);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  EXPECT_NE(head.find("Connection: close"), std::string::npos);
}

TEST(ResponseHead, ReusedBufferGivesTheSameBytes) {
  http::Response big = http::json_response(200, std::string(5000, 'x'));
  for (int i = 0; i < 20; ++i) big.set_header("X-Long-" + std::to_string(i), std::string(300, 'v'));
  std::string out;
  serialize_head(out, big, std::string(64, 'r'), true);
  EXPECT_EQ(out, serialize_head(big, std::string(64, 'r'), true));
  EXPECT_NE(out.find("Content-Length: 5000\r\n"), std::string::npos);
  http::Response small;
  small.status = 204;
  serialize_head(out, small, "id-1", false);
  EXPECT_EQ(out, serialize_head(small, "id-1", false));
  EXPECT_EQ(out.rfind("HTTP/1.1 204 No Content\r\nServer: headroom\r\nDate: ", 0), 0u);
}

}  // namespace headroom::server
