#pragma once
// Outgoing HTTP for webhooks and alert notifications: http:// and https:// to any host, one request
// per call (no connection reuse: deliveries are batched and rare), with a timeout over the whole
// exchange and a bound on the response size. https verifies the server's certificate chain (system
// CA store, plus `server.outbound_ca_file`) and its host name, TLS 1.2 or newer. Completion runs on
// one of the server's event loops; callers must not block in it.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace headroom::server {

struct HttpClientResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  using Callback = std::function<void(Result<HttpClientResponse>)>;
  virtual ~HttpClient() = default;
  virtual void post(const std::string& url, Headers headers, std::string body, Callback done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) = 0;
};

struct HttpClientOptions {
  std::string ca_file;                      // PEM CAs trusted besides the system store; empty: none
  size_t max_response_bytes = 1 << 20;      // a larger response body fails the exchange
  size_t max_response_header_bytes = 8192;  // Beast's default header limit, made explicit
};

// An absolute http(s) URL taken apart. `host` has no brackets (IPv6 literals are bare); `target`
// is path plus query, "/" when empty; the fragment is dropped.
struct ParsedUrl {
  bool tls = false;
  std::string host;
  std::string port;    // "80" / "443" when the URL has none
  std::string target;  // origin-form request target
  bool default_port = true;
  // The Host header value: host (bracketed if IPv6) plus ":port" unless it is the default.
  std::string host_header() const;
};

// Accepts http:// and https:// (scheme case-insensitive); anything else, user info, an empty or
// malformed host, or a port outside 1..65535 is an INVALID_ARGUMENT naming the problem. The
// message never repeats the path or query, which for Slack-style webhooks is the secret.
Result<ParsedUrl> parse_url(std::string_view url);

}  // namespace headroom::server
