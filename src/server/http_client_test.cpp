#include "server/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/beast_http_client.hpp"

namespace headroom::server {
namespace {

ParsedUrl parsed(std::string_view url) {
  auto r = parse_url(url);
  EXPECT_TRUE(r.is_ok()) << url << ": " << r.status().message();
  return r.is_ok() ? r.value() : ParsedUrl{};
}

std::string error_of(std::string_view url) {
  auto r = parse_url(url);
  EXPECT_FALSE(r.is_ok()) << url;
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  return r.status().message();
}

TEST(ParseUrl, HttpWithPortPathAndQuery) {
  auto u = parsed("http://127.0.0.1:9000/hooks?x=1");
  EXPECT_FALSE(u.tls);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, "9000");
  EXPECT_EQ(u.target, "/hooks?x=1");
  EXPECT_EQ(u.host_header(), "127.0.0.1:9000");
}

TEST(ParseUrl, DefaultPortsAndRootTarget) {
  auto plain = parsed("http://example");
  EXPECT_EQ(plain.port, "80");
  EXPECT_EQ(plain.target, "/");
  EXPECT_EQ(plain.host_header(), "example");
  auto tls = parsed("https://hooks.slack.com/services/T0/B0/secret");
  EXPECT_TRUE(tls.tls);
  EXPECT_EQ(tls.host, "hooks.slack.com");
  EXPECT_EQ(tls.port, "443");
  EXPECT_EQ(tls.target, "/services/T0/B0/secret");
  EXPECT_EQ(tls.host_header(), "hooks.slack.com");
  EXPECT_EQ(parsed("https://h:443/").host_header(), "h");
  EXPECT_EQ(parsed("https://h:80/").host_header(), "h:80");
}

TEST(ParseUrl, SchemeIsCaseInsensitive) {
  EXPECT_TRUE(parsed("HTTPS://Example.com/x").tls);
  EXPECT_FALSE(parsed("Http://example.com").tls);
}

TEST(ParseUrl, QueryWithoutPathAndFragment) {
  EXPECT_EQ(parsed("https://h?x=1").target, "/?x=1");
  EXPECT_EQ(parsed("https://h/a#frag").target, "/a");
  EXPECT_EQ(parsed("https://h#frag").target, "/");
}

TEST(ParseUrl, Ipv6Literal) {
  auto u = parsed("https://[::1]:8443/hook");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, "8443");
  EXPECT_EQ(u.host_header(), "[::1]:8443");
  EXPECT_EQ(parsed("http://[fe80::1]").port, "80");
  EXPECT_EQ(parsed("http://[fe80::1]").host_header(), "[fe80::1]");
}

TEST(ParseUrl, RefusesOtherSchemesAndMalformedUrls) {
  EXPECT_NE(error_of("ftp://example.com/").find("http:// or https://"), std::string::npos);
  error_of("ws://example.com/");
  error_of("example.com/hook");
  error_of("https:/example.com");
  error_of("");
  EXPECT_NE(error_of("http://").find("no host"), std::string::npos);
  EXPECT_NE(error_of("https://user:pw@example.com/").find("user info"), std::string::npos);
  EXPECT_NE(error_of("http://h:0/").find("port"), std::string::npos);
  error_of("http://h:65536/");
  error_of("http://h:8a/");
  error_of("http://h:/");
  error_of("http://::1/");
  error_of("http://[::1/");
  error_of("http://[::1]x/");
  EXPECT_NE(error_of("http://h/a b").find("spaces"), std::string::npos);
  error_of("http://h/\r\nX-Injected: 1");
  error_of("http://ex ample/");
}

TEST(ParseUrl, ErrorsDoNotEchoThePath) {
  EXPECT_EQ(error_of("https://h:99999/services/SECRET").find("SECRET"), std::string::npos);
}

// A TCP listener that never accepts: the kernel completes connections, nothing ever answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }
  // A port with nobody listening: bound once, then released.
  static int closed_port() { return SilentListener().port(); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Posts once and runs the loop until the client has nothing left to do; a hang fails by test timeout.
Result<HttpClientResponse> post_once(const std::string& url, HttpClientOptions options = {}) {
  boost::asio::io_context ctx;
  auto client = make_http_client(ctx, std::move(options));
  std::optional<Result<HttpClientResponse>> got;
  int calls = 0;
  client->post(
      url, {}, "{}",
      [&](Result<HttpClientResponse> r) {
        ++calls;
        got.emplace(std::move(r));
      },
      std::chrono::milliseconds(200));
  ctx.run();
  EXPECT_EQ(calls, 1);
  return got ? std::move(*got) : Result<HttpClientResponse>(internal_error("no callback"));
}

TEST(BeastHttpClient, HttpsHandshakeThatNeverAnswersTimesOut) {
  SilentListener silent;
  auto r = post_once("https://127.0.0.1:" + std::to_string(silent.port()) + "/hook");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("TLS handshake: timed out"), std::string::npos) << r.status().message();
}

TEST(BeastHttpClient, HttpResponseThatNeverComesTimesOut) {
  SilentListener silent;
  auto r = post_once("http://127.0.0.1:" + std::to_string(silent.port()) + "/hook");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("read: timed out"), std::string::npos) << r.status().message();
}

TEST(BeastHttpClient, RefusedConnectionFails) {
  auto r = post_once("https://127.0.0.1:" + std::to_string(SilentListener::closed_port()) + "/");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("connect:"), std::string::npos) << r.status().message();
}

TEST(BeastHttpClient, UnreadableCaFileFailsHttpsOnly) {
  auto r = post_once("https://127.0.0.1:1/", HttpClientOptions{.ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("outbound_ca_file"), std::string::npos) << r.status().message();
  auto plain = post_once("http://127.0.0.1:" + std::to_string(SilentListener::closed_port()) + "/",
                         HttpClientOptions{.ca_file = "/nonexistent/ca.pem"});
  EXPECT_NE(plain.status().message().find("connect:"), std::string::npos) << plain.status().message();
}

TEST(BeastHttpClient, UnsupportedSchemeFailsWithoutIo) {
  auto r = post_once("ftp://127.0.0.1/");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace headroom::server
