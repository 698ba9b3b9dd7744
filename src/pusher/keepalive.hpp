#pragma once
// Activity pings and the pong timeout of one Pusher connection, as deadlines on a Clock: after
// websocket.activity_timeout_s without a byte from the client the server sends pusher:ping, and
// with still no byte pong_timeout_s later it closes with 4201. The connection keeps one timer:
// it arms it for what start() returns and, each time it fires, calls on_timer() and re-arms it for
// the wait that returns. Activity only moves a time point, so a busy connection's timer fires once
// per activity_timeout, not once per message. FakeClock drives it in tests (keepalive_test.cpp).
#include <optional>

#include "config/config.hpp"
#include "core/clock.hpp"

namespace headroom::pusher {

class Transport;

class Keepalive {
 public:
  Keepalive(const Clock& clock, Transport& transport) : clock_(clock), transport_(transport) {}
  Keepalive(const Keepalive&) = delete;
  Keepalive& operator=(const Keepalive&) = delete;

  // The connection is open: its idle time counts from now. Returns the first wait.
  Clock::Duration start(const config::WebSocketConfig& ws);
  // Bytes arrived from the client (any frame, a pong included).
  void on_activity() {
    last_activity_ = clock_.now();
    ping_sent_ = false;
  }
  // The timer fired: pings or closes if that is due. The wait until the next check, or none when
  // the connection is closing (the ping did not fit in the send buffer, or the pong timed out).
  std::optional<Clock::Duration> on_timer(const config::WebSocketConfig& ws);

 private:
  const Clock& clock_;
  Transport& transport_;
  Clock::TimePoint last_activity_{};
  bool ping_sent_ = false;
};

}  // namespace headroom::pusher
