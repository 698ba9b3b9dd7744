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

}  // namespace headroom::server
