#include "http_response.hpp"

#include <gtest/gtest.h>

namespace headroom::bench {

TEST(HttpResponse, ContentLengthBodyAndPipelinedRest) {
  std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhelloHTTP/1.1";
  auto r = parse_http_response(wire);
  ASSERT_EQ(r.state, HttpParse::State::kDone);
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, "hello");
  EXPECT_TRUE(r.response.keep_alive);
  EXPECT_EQ(wire.substr(r.consumed), "HTTP/1.1");
  EXPECT_EQ(parse_http_response(wire.substr(0, 60)).state, HttpParse::State::kIncomplete);
}

TEST(HttpResponse, ChunkedBodyAndConnectionClose) {
  std::string wire =
      "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  auto r = parse_http_response(wire);
  ASSERT_EQ(r.state, HttpParse::State::kDone) << r.error;
  EXPECT_EQ(r.response.status, 404);
  EXPECT_EQ(r.response.body, "abcde");
  EXPECT_FALSE(r.response.keep_alive);
  EXPECT_EQ(r.consumed, wire.size());
  EXPECT_EQ(parse_http_response(wire.substr(0, wire.size() - 2)).state, HttpParse::State::kIncomplete);
}

TEST(HttpResponse, NoBodyStatusesAndErrors) {
  auto r = parse_http_response("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n");
  ASSERT_EQ(r.state, HttpParse::State::kDone);
  EXPECT_EQ(r.response.body, "");
  EXPECT_EQ(parse_http_response("garbage\r\n\r\n").state, HttpParse::State::kError);
  EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\n\r\n").state, HttpParse::State::kError);
}

}  // namespace headroom::bench
