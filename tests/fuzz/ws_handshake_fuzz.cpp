// Fuzzes the server side of the WebSocket opening handshake as the server reaches it: the input
// is the header block of a request to the WebSocket route, read by the HTTP server's own parser
// (server::RequestParser), then answered by ws::handshake_response — or by http_error_text with
// the status WsConnection picks (426 for a wrong version, else 400).
// Invariants: an accepted upgrade lists the websocket / upgrade tokens exactly (as the session's
// routing reads them), carries version 13 and a canonical base64 key of 16 bytes, and answers
// 101 with that key's accept value; a refusal is a complete HTTP response whose Content-Length is
// its body's size and whose body is JSON.
#include <boost/asio/buffer.hpp>
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/crypto.hpp"
#include "http/header_tokens.hpp"
#include "pusher/ws_handshake.hpp"
#include "server/request_parser.hpp"

using namespace headroom;

namespace {

#define CHECK(cond) \
  if (!(cond)) std::abort()

bool read_request(std::string_view headers, http::Request& req) {
  std::string wire = "GET /app/key?protocol=7&client=js&version=8.4.0 HTTP/1.1\r\n";
  wire.append(headers);
  wire += "\r\n\r\n";
  server::RequestParser parser(req);
  parser.header_limit(16384);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(wire), ec);
  if (ec || !parser.is_header_done()) return false;
  server::split_target(req);
  return true;
}

void check_accepted(const http::Request& req, const std::string& response) {
  CHECK(http::header_has_token(req.header("upgrade"), "websocket"));
  CHECK(http::header_has_token(req.header("connection"), "upgrade"));
  CHECK(req.header("sec-websocket-version") == "13");
  const std::string_view key = req.header("sec-websocket-key");
  auto raw = crypto::base64_decode(key);
  CHECK(raw && raw->size() == 16 && crypto::base64_encode(*raw) == key);
  CHECK(response.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  CHECK(response.find("\r\nSec-WebSocket-Accept: " + pusher::ws::accept_key(key) + "\r\n") != std::string::npos);
  CHECK(response.ends_with("\r\n\r\n"));
}

void check_refusal(const Status& status) {
  CHECK(status.code() == Code::kInvalidArgument || status.code() == Code::kFailedPrecondition);
  const int code = status.code() == Code::kFailedPrecondition ? 426 : 400;
  const std::string text = pusher::ws::http_error_text(code, status.message());
  CHECK(text.starts_with("HTTP/1.1 " + std::to_string(code) + " "));
  const size_t split = text.find("\r\n\r\n");
  CHECK(split != std::string::npos);
  const std::string body = text.substr(split + 4);
  CHECK(text.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
  boost::system::error_code ec;
  (void)boost::json::parse(body, ec);
  CHECK(!ec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::Request req;
  if (!read_request(std::string_view(reinterpret_cast<const char*>(data), size), req)) return 0;
  auto response = pusher::ws::handshake_response(req);
  if (response) {
    check_accepted(req, *response);
  } else {
    check_refusal(response.status());
  }
  return 0;
}
