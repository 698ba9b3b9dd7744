#pragma once
// The WebSocket transport on a raw Asio socket (the only Asio code of the module): handshake,
// frame reading through ws::FrameParser, a byte-bounded queue of shared frames written with one
// gather write, activity pings, and close handling. The protocol lives in Session.
#include <memory>

namespace headroom::server {
class WebSocketRoutes;
}

namespace headroom::pusher {

class Hub;

// Registers /app/{key} with the server.
void register_websocket_endpoint(server::WebSocketRoutes& routes, std::shared_ptr<Hub> hub);

}  // namespace headroom::pusher
