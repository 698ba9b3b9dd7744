#include "pusher/ws_handshake.hpp"

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "http/header_tokens.hpp"

namespace headroom::pusher::ws {

std::string accept_key(std::string_view client_key) {
  std::string data(client_key);
  data += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  return crypto::base64_encode(crypto::sha1_raw(data));
}

Result<std::string> handshake_response(const http::Request& req) {
  if (req.method != http::Method::kGet) return invalid_argument("WebSocket upgrade must be a GET");
  // Tokens of the lists, read as the HTTP server read Upgrade to route here ("upgradex" is not one).
  if (!http::header_has_token(req.header("upgrade"), "websocket"))
    return invalid_argument("missing Upgrade: websocket");
  if (!http::header_has_token(req.header("connection"), "upgrade")) {
    return invalid_argument("missing Connection: Upgrade");
  }
  if (req.header("sec-websocket-version") != "13") {
    return Status(Code::kFailedPrecondition, "unsupported Sec-WebSocket-Version (13 required)");
  }
  const std::string_view key = req.header("sec-websocket-key");
  // RFC 6455 4.2.1: the base64 of 16 bytes, i.e. exactly 24 characters in canonical form (the
  // decoder also takes missing or extra padding and stray low bits).
  auto raw = key.size() == 24 ? crypto::base64_decode(key) : std::nullopt;
  if (!raw || raw->size() != 16 || crypto::base64_encode(*raw) != key) {
    return invalid_argument("invalid Sec-WebSocket-Key");
  }
  return std::string(
             "HTTP/1.1 101 Switching Protocols\r\n"
             "Upgrade: websocket\r\n"
             "Connection: Upgrade\r\n"
             "Sec-WebSocket-Accept: ") +
         accept_key(key) + "\r\n\r\n";
}

std::string http_error_text(int status, std::string_view message) {
  const std::string body = "{\"error\":\"" + log::json_escape(message) + "\"}";
  std::string reason = status == 426   ? "Upgrade Required"
                       : status == 503 ? "Service Unavailable"
                       : status == 404 ? "Not Found"
                                       : "Bad Request";
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  if (status == 426) out += "Sec-WebSocket-Version: 13\r\n";
  out += "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
  return out;
}

}  // namespace headroom::pusher::ws
