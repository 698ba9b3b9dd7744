#include "server/beast_http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace headroom::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

bool parse_http_url(const std::string& url, ParsedUrl* out) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return false;
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out->target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    out->host = authority.substr(0, colon);
    out->port = authority.substr(colon + 1);
  } else {
    out->host = authority;
    out->port = "80";
  }
  return !out->host.empty() && !out->port.empty();
}

namespace {

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(asio::io_context& ctx, ParsedUrl url, bhttp::request<bhttp::string_body> req, HttpClient::Callback done,
           std::chrono::milliseconds timeout)
      : resolver_(ctx),
        stream_(ctx),
        url_(std::move(url)),
        req_(std::move(req)),
        done_(std::move(done)),
        timeout_(timeout) {}

  void run() {
    stream_.expires_after(timeout_);
    resolver_.async_resolve(url_.host, url_.port, [self = shared_from_this()](beast::error_code ec, auto results) {
      if (ec) return self->fail("resolve", ec);
      self->stream_.async_connect(results, [self](beast::error_code ec2, auto) {
        if (ec2) return self->fail("connect", ec2);
        bhttp::async_write(self->stream_, self->req_, [self](beast::error_code ec3, size_t) {
          if (ec3) return self->fail("write", ec3);
          bhttp::async_read(self->stream_, self->buffer_, self->res_, [self](beast::error_code ec4, size_t) {
            if (ec4) return self->fail("read", ec4);
            HttpClientResponse out{static_cast<int>(self->res_.result_int()), std::move(self->res_.body())};
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            self->done_(std::move(out));
          });
        });
      });
    });
  }

 private:
  void fail(const char* step, beast::error_code ec) {
    done_(Status(Code::kUnavailable, std::string(step) + ": " + ec.message()));
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  ParsedUrl url_;
  bhttp::request<bhttp::string_body> req_;
  beast::flat_buffer buffer_;
  bhttp::response<bhttp::string_body> res_;
  HttpClient::Callback done_;
  std::chrono::milliseconds timeout_;
};

class BeastHttpClient final : public HttpClient {
 public:
  explicit BeastHttpClient(asio::io_context& ctx) : ctx_(ctx) {}
  void post(const std::string& url, Headers headers, std::string body, Callback done,
            std::chrono::milliseconds timeout) override {
    ParsedUrl parsed;
    if (!parse_http_url(url, &parsed)) {
      done(Status(Code::kInvalidArgument, "only http:// URLs are supported: " + url));
      return;
    }
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, parsed.target, 11};
    req.set(bhttp::field::host, parsed.host + ":" + parsed.port);
    req.set(bhttp::field::user_agent, "headroom");
    req.set(bhttp::field::content_type, "application/json");
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    std::make_shared<Exchange>(ctx_, std::move(parsed), std::move(req), std::move(done), timeout)->run();
  }

 private:
  asio::io_context& ctx_;
};

}  // namespace

std::unique_ptr<HttpClient> make_http_client(asio::io_context& ctx) { return std::make_unique<BeastHttpClient>(ctx); }

}  // namespace headroom::server
