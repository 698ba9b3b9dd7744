#pragma once
// The channels module's metrics (DESIGN.md §6), registered once and updated lock-free.
#include <array>
#include <cstddef>
#include <cstdint>

#include "metrics/registry.hpp"

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
  explicit Stats(metrics::Registry& r);

  metrics::Gauge& connections;
  metrics::Gauge& vip_sessions;
  metrics::Gauge& signed_in_users;
  metrics::Counter& messages_in;
  metrics::Counter& messages_out;
  metrics::Counter& bytes_in;
  metrics::Counter& bytes_out;
  metrics::Counter& client_events_rate_limited;
  metrics::Counter& client_events_rejected;
  metrics::Counter& slow_consumers_closed;
  metrics::Counter& rejected_connection_limit;
  metrics::Counter& rejected_unknown_app;
  metrics::Counter& subscription_errors;
  metrics::Counter& protocol_errors;
  metrics::Counter& events_published;
  metrics::Counter& events_publish_failed;
  metrics::Counter& recoveries_ok;
  metrics::Counter& recoveries_failed;
  metrics::Counter& api_ok;
  metrics::Counter& api_bad_request;
  metrics::Counter& api_unauthorized;
  metrics::Counter& api_forbidden;
  metrics::Counter& api_not_found;
  metrics::Counter& api_too_large;
  metrics::Counter& api_rate_limited;
  metrics::Counter& webhooks_sent;
  metrics::Counter& webhook_failures;
  metrics::Counter& webhooks_dropped;
  metrics::Counter& webhook_retries;
  metrics::Gauge& webhook_queue_depth;

  // Connections closed (4100) for going over websocket.max_messages_per_second.
  metrics::Counter& rate_limited(InboundKind kind) { return *rate_limited_[static_cast<size_t>(kind)]; }

 private:
  std::array<metrics::Counter*, kInboundKinds> rate_limited_;
};

}  // namespace headroom::pusher
