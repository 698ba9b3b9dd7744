#pragma once
// The channels module's metrics (DESIGN.md §6), registered once and updated lock-free.
#include <array>
#include <cstddef>
#include <cstdint>

#include "observe/metrics.hpp"

namespace headroom::pusher {

// What a client sent, as the `kind` label of headroom_ws_rate_limited_total: every inbound message
// spends the connection's message rate (Session::admit), and the one that goes over names the flood.
enum class InboundKind : uint8_t {
  kPingFrame,    // WebSocket ping frame
  kPongFrame,    // WebSocket pong frame (unsolicited or answering our ping)
  kBinary,       // binary message (ignored by the protocol)
  kMalformed,    // text that is not a Pusher message
  kPusherPing,   // pusher:ping
  kSubscribe,    // pusher:subscribe
  kUnsubscribe,  // pusher:unsubscribe
  kSignin,       // pusher:signin
  kClientEvent,  // client-*
  kOther,        // pusher:pong and any other event
};
inline constexpr size_t kInboundKinds = 10;

struct Stats {
  explicit Stats(observe::Registry& r);

  observe::Gauge& connections;
  observe::Gauge& vip_sessions;
  observe::Gauge& signed_in_users;
  observe::Counter& messages_in;
  observe::Counter& messages_out;
  observe::Counter& bytes_in;
  observe::Counter& bytes_out;
  observe::Counter& client_events_rate_limited;
  observe::Counter& client_events_rejected;
  observe::Counter& slow_consumers_closed;
  observe::Counter& rejected_connection_limit;
  observe::Counter& rejected_unknown_app;
  observe::Counter& subscription_errors;
  observe::Counter& protocol_errors;
  observe::Counter& events_published;
  observe::Counter& events_publish_failed;
  observe::Counter& recoveries_ok;
  observe::Counter& recoveries_failed;
  observe::Counter& api_ok;
  observe::Counter& api_bad_request;
  observe::Counter& api_unauthorized;
  observe::Counter& api_forbidden;
  observe::Counter& api_not_found;
  observe::Counter& api_too_large;
  observe::Counter& api_rate_limited;
  observe::Counter& webhooks_sent;
  observe::Counter& webhook_failures;
  observe::Counter& webhooks_dropped;
  observe::Counter& webhook_retries;
  observe::Gauge& webhook_queue_depth;

  // Connections closed (4100) for going over websocket.max_messages_per_second.
  observe::Counter& rate_limited(InboundKind kind) { return *rate_limited_[static_cast<size_t>(kind)]; }

 private:
  std::array<observe::Counter*, kInboundKinds> rate_limited_;
};

}  // namespace headroom::pusher
