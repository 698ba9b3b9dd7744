#include "pusher/keepalive.hpp"

#include "pusher/protocol.hpp"
#include "pusher/session.hpp"
#include "pusher/ws_frame.hpp"

namespace headroom::pusher {

namespace {
// The same bytes for every connection: built once, shared.
const channels::SharedFrame& ping_frame() {
  static const channels::SharedFrame frame =
      std::make_shared<const std::string>(ws::encode_frame(ws::Opcode::kText, server_message("pusher:ping", {}, "{}")));
  return frame;
}
}  // namespace

Clock::Duration Keepalive::start(const config::WebSocketConfig& ws) {
  on_activity();
  return std::chrono::seconds(ws.activity_timeout_s);
}

std::optional<Clock::Duration> Keepalive::on_timer(const config::WebSocketConfig& ws) {
  const Clock::Duration idle = std::chrono::seconds(ws.activity_timeout_s);
  const Clock::Duration pong = std::chrono::seconds(ws.pong_timeout_s);
  const Clock::Duration quiet = clock_.now() - last_activity_;
  if (ping_sent_) {
    if (quiet < idle + pong) return idle + pong - quiet;
    transport_.close(kErrorPongTimeout, "Pong reply not received");
    return std::nullopt;
  }
  if (quiet < idle) return idle - quiet;
  ping_sent_ = true;
  if (!transport_.send_frame(ping_frame())) return std::nullopt;
  return pong;
}

}  // namespace headroom::pusher
