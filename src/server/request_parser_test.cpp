// The checks on a request's header block (RFC 9112 §3.2 Host rules, 414, 413), over the same
// parser the HTTP session uses.
#include "server/request_parser.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>

namespace headroom::server {
namespace {

// Parses the header block of `wire` and returns the refusal the session would answer, if any.
std::optional<Refusal> check(const std::string& wire, config::ServerConfig limits = {}) {
  http::Request req;
  RequestParser parser(req);
  parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
  parser.body_limit(static_cast<uint64_t>(limits.max_body_bytes));
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(wire), ec);
  EXPECT_TRUE(!ec || ec == boost::beast::http::error::need_more) << ec.message();
  EXPECT_TRUE(parser.is_header_done());
  split_target(req);
  return refusal_for_header(req, parser, limits);
}

TEST(RequestParser, Http11WithoutHostIs400) {
  auto r = check("GET /healthz HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->message.find("Host"), std::string::npos);
}

TEST(RequestParser, Http10WithoutHostIsAccepted) { EXPECT_FALSE(check("GET /healthz HTTP/1.0\r\n\r\n")); }

TEST(RequestParser, TwoHostFieldsAre400EvenWhenEqual) {
  auto r = check("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  // HTTP/1.0 too: more than one Host is never valid.
  EXPECT_TRUE(check("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n"));
}

TEST(RequestParser, InvalidHostValueIs400) {
  for (const char* host : {"a b", "a/b", "a@b", "a:80:81", "a:8o", "[::1", "[zz]", "[]:80", "a:123456", "a\"b"}) {
    auto r = check(std::string("GET / HTTP/1.1\r\nHost: ") + host + "\r\n\r\n");
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 400) << host;
  }
}

TEST(RequestParser, ValidHostValuesAreAccepted) {
  for (const char* host : {"example.com", "example.com:8080", "127.0.0.1:80", "[::1]", "[::1]:8080", "[v1.fe80::a+en1]",
                           "xn--bcher-kva.example", "a%20b", "localhost:"}) {
    EXPECT_FALSE(check(std::string("GET / HTTP/1.1\r\nHost: ") + host + "\r\n\r\n")) << host;
  }
  // An empty Host is what a client sends for a target without an authority (RFC 9112 §3.2).
  EXPECT_FALSE(check("GET / HTTP/1.1\r\nHost:\r\n\r\n"));
}

TEST(RequestParser, LongTargetIs414AndDeclaredLargeBodyIs413) {
  config::ServerConfig limits;
  limits.max_request_line_bytes = 256;
  limits.max_body_bytes = 1024;
  auto r = check("GET /" + std::string(300, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", limits);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  // The body limit is Beast's too; ask with a body limit above the config's to reach our check.
  http::Request req;
  RequestParser parser(req);
  parser.body_limit(1 << 20);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(std::string("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")), ec);
  split_target(req);
  auto big = refusal_for_header(req, parser, limits);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_NE(big->message.find("5000"), std::string::npos);
}

}  // namespace
}  // namespace headroom::server
