// Fuzzes HTTP/1.1 request reading as src/server/http_session.cpp does it, short of the socket:
// the bytes a client sends (delivered in reads of a size picked by the first input byte) go
// through RequestParser, split_target and the session's limit checks, request after request on
// one keep-alive connection. Every request ends in exactly one of: a complete http::Request, a
// refusal (400/413/414/431, then close), a WebSocket hand-off, or a quiet close.
// The header checks are the session's own (refusal_for_header); Host is checked per RFC 9112 §3.2.
// Invariants: a refusal has one of those statuses and serialises; a complete request has
// lowercase header names, a body no larger than the limit and exactly Content-Length bytes, a
// target no longer than the request-line limit, and a path without the query.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "server/request_parser.hpp"
#include "server/response_head.hpp"

using namespace headroom;
using server::Refusal;
using server::RequestParser;
namespace bhttp = boost::beast::http;

namespace {

#define CHECK(cond) \
  if (!(cond)) std::abort()

// The smallest limits the config accepts, so that inputs this size reach them.
config::ServerConfig fuzz_limits() {
  config::ServerConfig s;
  s.max_request_line_bytes = 256;
  s.max_header_bytes = 1024;
  s.max_body_bytes = 1024;
  return s;
}

enum class End { kRequest, kRefused, kUpgrade, kClosed };

// One connection: the wire bytes arrive `chunk` at a time into a buffer the parser reads from.
class Connection {
 public:
  Connection(std::string_view wire, size_t chunk) : wire_(wire), chunk_(chunk) {}

  // Reads the next request the way HttpSession does (wait_for_request → read_header → on_header
  // → read_body → on_body).
  End next(http::Request& req) {
    parser_.emplace(req);
    parser_->header_limit(static_cast<uint32_t>(limits_.max_header_bytes));
    parser_->body_limit(static_cast<uint64_t>(limits_.max_body_bytes));
    in_body_ = false;
    if (buffer_.empty() && !read_more()) return End::kClosed;
    if (auto end = parse_until(true)) return *end;
    if (auto end = on_header(req)) return *end;
    if (parser_->is_done()) return End::kRequest;
    in_body_ = true;
    parser_->eager(true);
    if (auto end = parse_until(false)) return *end;
    return End::kRequest;
  }

  bool keep_alive() const { return parser_->keep_alive(); }
  std::optional<uint64_t> content_length() const {
    auto n = parser_->content_length();
    return n ? std::optional<uint64_t>(*n) : std::nullopt;
  }
  const Refusal& refusal() const { return refusal_; }

 private:
  bool read_more() {
    if (wire_.empty()) return false;
    size_t n = std::min(chunk_, wire_.size());
    buffer_.append(wire_.data(), n);
    wire_.remove_prefix(n);
    return true;
  }

  // parse_buffered + on_read until the header (or the whole message) is in; nullopt when it is.
  std::optional<End> parse_until(bool header) {
    for (;;) {
      while (!buffer_.empty()) {
        boost::beast::error_code ec;
        size_t used = parser_->put(boost::asio::buffer(buffer_), ec);
        CHECK(used <= buffer_.size());
        buffer_.erase(0, used);
        if (ec == bhttp::error::need_more) break;
        if (ec) return refuse(ec);
        if (header ? parser_->is_header_done() : parser_->is_done()) return std::nullopt;
        if (used == 0) break;
      }
      if (read_more()) continue;
      // The peer closed: nothing read yet ends quietly, a partial message is malformed.
      if (!parser_->got_some()) return End::kClosed;
      boost::beast::error_code eof_ec;
      parser_->put_eof(eof_ec);
      if (!eof_ec && parser_->is_done()) return std::nullopt;
      return refuse(eof_ec ? eof_ec : boost::beast::error_code(bhttp::error::partial_message));
    }
  }

  // The session's checks once the header is in (on_header, build_request, try_websocket).
  std::optional<End> on_header(http::Request& req) {
    server::split_target(req);
    req.body.clear();  // build_request: a body-less request must not keep the previous one's
    if (auto refusal = server::refusal_for_header(req, *parser_, limits_)) return refuse_with(std::move(*refusal));
    // Past the checks, an HTTP/1.1 request has exactly one Host, and a valid one.
    if (parser_->version() >= 11) CHECK(parser_->host_fields() == 1 && server::valid_host(parser_->host()));
    // The WebSocket route (/app/{key}) takes the socket over; other upgrade requests go on as HTTP.
    if (req.method == http::Method::kGet && server::iequals_token(req.header("upgrade"), "websocket") &&
        req.path.starts_with("/app/")) {
      return End::kUpgrade;
    }
    return std::nullopt;
  }

  End refuse(boost::beast::error_code ec) {
    return refuse_with(server::refusal_for(ec, in_body_, limits_.max_body_bytes));
  }
  End refuse_with(Refusal r) {
    refusal_ = std::move(r);
    return End::kRefused;
  }

  const config::ServerConfig limits_ = fuzz_limits();
  std::string_view wire_;
  size_t chunk_;
  std::string buffer_;
  std::optional<RequestParser> parser_;
  Refusal refusal_;
  bool in_body_ = false;
};

void check_request(const http::Request& req, std::optional<uint64_t> content_length) {
  static const config::ServerConfig limits = fuzz_limits();
  CHECK(req.target.size() <= static_cast<size_t>(limits.max_request_line_bytes));
  CHECK(req.body.size() <= static_cast<size_t>(limits.max_body_bytes));
  if (content_length) CHECK(req.body.size() == *content_length);
  for (const auto& [name, value] : req.headers) {
    for (char c : name) CHECK(!(c >= 'A' && c <= 'Z'));
  }
  auto q = req.target.find('?');
  if (q == std::string::npos) {
    CHECK(req.query.empty());
  } else {
    CHECK(req.query == req.target.substr(q + 1));
  }
}

void check_refusal(const Refusal& r) {
  CHECK(r.status == 400 || r.status == 413 || r.status == 414 || r.status == 431);
  auto res = http::error_response(r.status == 413 ? Code::kPayloadTooLarge : Code::kInvalidArgument, r.message);
  res.status = r.status;
  std::string head = server::serialize_head(res, "fuzz-1", false);
  CHECK(head.starts_with("HTTP/1.1 " + std::to_string(r.status) + " "));
  CHECK(head.ends_with("\r\n\r\n"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // First byte: the size of each read (0: the whole input in one read).
  const size_t chunk = data[0] == 0 ? size : data[0];
  std::string_view wire(reinterpret_cast<const char*>(data) + 1, size - 1);
  Connection conn(wire, chunk);
  http::Request req;  // reused across requests, as the session reuses its own
  for (int n = 0; n < 64; ++n) {
    End end = conn.next(req);
    if (end == End::kRefused) check_refusal(conn.refusal());
    if (end != End::kRequest) break;
    check_request(req, conn.content_length());
    if (!conn.keep_alive()) break;
  }
  return 0;
}
