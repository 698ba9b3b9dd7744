#pragma once
// The hand-off from the HTTP server to a WebSocket implementation. When a request matching a
// WebSocket route carries "Upgrade: websocket", the HTTP session stops and passes its socket, the
// parsed request and any bytes it had already read past the request to the acceptor, on the
// socket's own event-loop thread. The acceptor owns the connection from then on (handshake
// response included).
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>

#include "http/message.hpp"

namespace headroom::server {

using WebSocketAcceptor =
    std::function<void(boost::asio::ip::tcp::socket socket, http::Request request, std::string already_read)>;

class WebSocketRoutes {
 public:
  virtual ~WebSocketRoutes() = default;
  // pattern as for http::Router, e.g. "/app/{key}"; req.params holds the captures.
  virtual void add(std::string pattern, WebSocketAcceptor acceptor) = 0;
};

}  // namespace headroom::server
