#pragma once
// The server side of the RFC 6455 opening handshake, without I/O.
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "http/message.hpp"

namespace headroom::pusher::ws {

// base64(sha1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
std::string accept_key(std::string_view client_key);

// The "101 Switching Protocols" response for a valid upgrade request, or INVALID_ARGUMENT
// (answer with http_error_text(400 or 426, ...)) when it is not one. No extension (notably
// permessage-deflate) is ever accepted.
Result<std::string> handshake_response(const http::Request& req);

// A complete HTTP/1.1 error response that closes the connection.
std::string http_error_text(int status, std::string_view message);

}  // namespace headroom::pusher::ws
