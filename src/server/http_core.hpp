#pragma once
// What every HTTP session shares: limits, routes, filters, admission, stats, drain state.
// Owned by Server; sessions hold a reference.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <vector>

#include "config/config.hpp"
#include "http/router.hpp"
#include "server/admission.hpp"
#include "server/http_stats.hpp"
#include "server/module_context.hpp"
#include "server/websocket_route.hpp"

namespace headroom::server {

struct HttpCore {
  const config::ServerConfig& limits;
  http::Router& router;
  std::vector<RequestFilter>& filters;
  Admission& admission;
  HttpStats& stats;
  // WebSocket routes: patterns in a Router whose handlers are unused; acceptors by route label.
  http::Router& ws_router;
  std::vector<std::pair<std::string, WebSocketAcceptor>>& ws_acceptors;
  std::atomic<bool>& draining;
  std::atomic<int>& connections;
  std::atomic<int>& active_requests;  // requests read and not yet answered, admitted or not
};

// A socket bound to its loop's io_context directly (no type-erased executor on the hot path).
using HttpSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

// Starts serving HTTP on an accepted socket. Must be called on the socket's own loop thread.
void start_http_session(HttpSocket socket, HttpCore& core);
// Closes every keep-alive connection of the calling loop that is waiting for its next request.
void close_idle_http_sessions();

}  // namespace headroom::server
