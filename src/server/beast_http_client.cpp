// The only translation unit that includes Asio's SSL and Beast's ssl_stream.
#include "server/beast_http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <optional>

#include "core/log.hpp"

namespace headroom::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// What every exchange shares: the loop, the limits, and (for https) the TLS context or the reason
// there is none. The TLS context is built at the first https:// request: loading the system CA
// store costs ~2 MB of memory and ~60 ms, which deployments without https receivers never pay.
struct ClientState {
  ClientState(asio::io_context& c, HttpClientOptions o) : ctx(c), options(std::move(o)) {}
  asio::io_context& ctx;
  const HttpClientOptions options;
  std::once_flag tls_once;
  std::optional<ssl::context> tls;  // written once under tls_once, then only read
  std::string tls_error;            // set when `tls` could not be built
};

// TLS 1.2+, peer verification against the system store plus the configured CA file.
void build_tls(ClientState& state) {
  ssl::context tls(ssl::context::tls_client);
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  tls.set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  tls.set_default_verify_paths(ec);
  if (ec) spdlog::warn("outbound https: system CA store not loaded: {}", ec.message());
  if (!state.options.ca_file.empty()) {
    tls.load_verify_file(state.options.ca_file, ec);
    if (ec) {
      state.tls_error = "server.outbound_ca_file " + state.options.ca_file + " could not be loaded: " + ec.message();
      spdlog::error("{}; https:// webhooks will fail", state.tls_error);
      return;
    }
  }
  state.tls.emplace(std::move(tls));
}

// Asio's context setters throw only if OpenSSL itself fails (out of memory); that fails https
// deliveries with the reason instead of the caller.
void init_tls(ClientState& state) {
  try {
    build_tls(state);
  } catch (const boost::system::system_error& e) {
    state.tls_error = std::string("outbound TLS setup failed: ") + e.what();
    spdlog::error("{}; https:// webhooks will fail", state.tls_error);
  }
}

bool is_ip_literal(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// One request and its response over a fresh connection: resolve → connect → [TLS handshake] →
// write → read, all under one deadline. `done` is called exactly once.
template <class Stream>
class Exchange : public std::enable_shared_from_this<Exchange<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Exchange(std::shared_ptr<ClientState> state, ParsedUrl url, bhttp::request<bhttp::string_body> req,
           HttpClient::Callback done, std::chrono::milliseconds timeout)
      : state_(std::move(state)),
        resolver_(state_->ctx),
        deadline_(state_->ctx),
        stream_(make_stream()),
        url_(std::move(url)),
        req_(std::move(req)),
        done_(std::move(done)),
        timeout_(timeout) {
    parser_.body_limit(state_->options.max_response_bytes);
    parser_.header_limit(static_cast<uint32_t>(state_->options.max_response_header_bytes));
  }

  void run() {
    auto self = this->shared_from_this();
    deadline_.expires_after(timeout_);
    deadline_.async_wait([self](beast::error_code ec) {
      if (!ec) self->on_deadline();
    });
    step_ = "resolve";
    resolver_.async_resolve(url_.host, url_.port, [self](beast::error_code ec, tcp::resolver::results_type results) {
      if (ec) return self->fail(ec);
      self->connect(results);
    });
  }

 private:
  Stream make_stream() {
    if constexpr (kTls) {
      return Stream(state_->ctx, *state_->tls);
    } else {
      return Stream(state_->ctx);
    }
  }

  void connect(const tcp::resolver::results_type& results) {
    if (finished_) return;
    step_ = "connect";
    beast::get_lowest_layer(stream_).async_connect(
        results, [self = this->shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
          if (ec) return self->fail(ec);
          if constexpr (kTls) {
            self->handshake();
          } else {
            self->write();
          }
        });
  }

  void handshake() {
    if (finished_) return;
    step_ = "TLS handshake";
    // SNI carries names only (RFC 6066); the certificate is checked against the name or address.
    if (!is_ip_literal(url_.host)) SSL_set_tlsext_host_name(stream_.native_handle(), url_.host.c_str());
    stream_.set_verify_callback(
        [this, check = ssl::host_name_verification(url_.host)](bool preverified, ssl::verify_context& vc) {
          const bool ok = check(preverified, vc);
          if (preverified && !ok) name_mismatch_ = true;
          return ok;
        });
    stream_.async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail_handshake(ec);
      self->write();
    });
  }

  void write() {
    if (finished_) return;
    step_ = "write";
    bhttp::async_write(stream_, req_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->fail(ec);
      self->read();
    });
  }

  void read() {
    if (finished_) return;
    step_ = "read";
    bhttp::async_read(stream_, buffer_, parser_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->fail(ec);
      auto res = self->parser_.release();
      self->finish(HttpClientResponse{static_cast<int>(res.result_int()), std::move(res.body())});
      self->close();
    });
  }

  // After the response: TLS sends close_notify (bounded wait for the peer's), then the socket closes.
  void close() {
    auto& tcp_layer = beast::get_lowest_layer(stream_);
    if constexpr (kTls) {
      tcp_layer.expires_after(std::chrono::seconds(1));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { beast::get_lowest_layer(self->stream_).close(); });
    } else {
      beast::error_code ignored;
      tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
      tcp_layer.close();
    }
  }

  void on_deadline() {
    if (finished_) return;
    finish(Status(Code::kUnavailable,
                  std::string(step_) + ": timed out after " + std::to_string(timeout_.count()) + " ms"));
    resolver_.cancel();
    beast::get_lowest_layer(stream_).close();
  }

  void fail(beast::error_code ec) {
    if (finished_) return;
    finish(Status(Code::kUnavailable, std::string(step_) + ": " + ec.message()));
    beast::get_lowest_layer(stream_).close();
  }

  // Certificate problems say which check failed; logged once per failed attempt, host only (the
  // path of a Slack-style webhook URL is its secret).
  void fail_handshake(beast::error_code ec) {
    if (finished_) return;
    std::string reason;
    const long verify = SSL_get_verify_result(stream_.native_handle());
    if (name_mismatch_) {
      reason = "certificate does not match host " + url_.host;
    } else if (verify != X509_V_OK) {
      reason = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
    } else {
      reason = ec.message();
    }
    if (log::error_budget_allows()) {
      spdlog::warn("outbound https to {}:{} failed in TLS handshake: {}", url_.host, url_.port, reason);
    }
    finish(Status(Code::kUnavailable, "TLS handshake with " + url_.host + ": " + reason));
    beast::get_lowest_layer(stream_).close();
  }

  void finish(Result<HttpClientResponse> result) {
    finished_ = true;
    deadline_.cancel();
    done_(std::move(result));
  }

  std::shared_ptr<ClientState> state_;  // first: the streams below borrow its TLS context
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  Stream stream_;
  ParsedUrl url_;
  bhttp::request<bhttp::string_body> req_;
  beast::flat_buffer buffer_;
  bhttp::response_parser<bhttp::string_body> parser_;
  HttpClient::Callback done_;
  std::chrono::milliseconds timeout_;
  const char* step_ = "start";
  bool finished_ = false;
  bool name_mismatch_ = false;
};

class BeastHttpClient final : public HttpClient {
 public:
  explicit BeastHttpClient(std::shared_ptr<ClientState> state) : state_(std::move(state)) {}

  void post(const std::string& url, Headers headers, std::string body, Callback done,
            std::chrono::milliseconds timeout) override {
    auto parsed = parse_url(url);
    if (!parsed) return done(parsed.status());
    if (parsed->tls) {
      std::call_once(state_->tls_once, init_tls, std::ref(*state_));
      if (!state_->tls) return done(Status(Code::kUnavailable, state_->tls_error));
    }
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, parsed->target, 11};
    req.set(bhttp::field::host, parsed->host_header());
    req.set(bhttp::field::user_agent, "headroom");
    req.set(bhttp::field::content_type, "application/json");
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    if (parsed->tls) {
      start<TlsStream>(std::move(parsed).value(), std::move(req), std::move(done), timeout);
    } else {
      start<PlainStream>(std::move(parsed).value(), std::move(req), std::move(done), timeout);
    }
  }

 private:
  // Runs on the client's loop whichever thread posted, so an exchange's state has one owner thread.
  template <class Stream>
  void start(ParsedUrl url, bhttp::request<bhttp::string_body> req, Callback done, std::chrono::milliseconds timeout) {
    auto exchange =
        std::make_shared<Exchange<Stream>>(state_, std::move(url), std::move(req), std::move(done), timeout);
    asio::post(state_->ctx, [exchange] { exchange->run(); });
  }

  std::shared_ptr<ClientState> state_;
};

}  // namespace

std::unique_ptr<HttpClient> make_http_client(asio::io_context& ctx, HttpClientOptions options) {
  return std::make_unique<BeastHttpClient>(std::make_shared<ClientState>(ctx, std::move(options)));
}

}  // namespace headroom::server
