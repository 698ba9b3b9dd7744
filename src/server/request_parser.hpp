#pragma once
// Reading one HTTP/1.1 request off the wire without a socket: Beast's parser filling an
// http::Request, the path and query derived from its target, and what to answer when the bytes
// are not a request. The HTTP session drives these over a socket; the http_request_fuzz target
// drives the same pieces over a byte string.
#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "http/header_tokens.hpp"
#include "http/message.hpp"

namespace headroom::server {

http::Method to_method(boost::beast::http::verb v);

// Beast's HTTP/1 parser writing straight into an http::Request: no intermediate header container,
// and the request's strings keep their capacity from one request to the next on a connection.
// Fills method, target, headers (names lowercased) and body; split_target derives the rest.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  explicit RequestParser(http::Request& req) : req_(req) {}

  int version() const { return version_; }  // 10 or 11
  // Host field lines seen, and the value of the last one.
  int host_fields() const { return host_fields_; }
  std::string_view host() const { return host_; }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb method, string_view, string_view target, int, error_code&) override;
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field, string_view name, string_view value, error_code&) override;
  void on_header_impl(error_code&) override;
  void on_body_init_impl(const boost::optional<uint64_t>& length, error_code&) override;
  size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(uint64_t, string_view, error_code&) override {}
  size_t on_chunk_body_impl(uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  http::Request& req_;
  size_t fields_ = 0;
  int version_ = 11;
  int host_fields_ = 0;
  std::string host_;
};

// The session's name for http::header_has_token (Upgrade, Expect).
inline bool iequals_token(std::string_view header, std::string_view token) {
  return http::header_has_token(header, token);
}

// req.path (percent-decoded) and req.query (raw, without '?') from req.target.
void split_target(http::Request& req);

// The answer to a request the parser gave up on (the connection closes after it).
struct Refusal {
  int status = 400;
  std::string message;
};
// in_body: the header was accepted and the body was being read.
Refusal refusal_for(boost::beast::error_code ec, bool in_body, int64_t max_body_bytes);

// A Host field value per RFC 9112 §3.2 / RFC 3986 §3.2.2: uri-host [":" port], or empty.
bool valid_host(std::string_view value);

// The checks made once a request's header block is in, before it is routed or upgraded: the
// target's length (414), Host (400: an HTTP/1.1 request without exactly one valid Host field,
// RFC 9112 §3.2) and the declared body size (413). split_target must have run.
std::optional<Refusal> refusal_for_header(const http::Request& req, const RequestParser& parser,
                                          const config::ServerConfig& limits);

}  // namespace headroom::server
