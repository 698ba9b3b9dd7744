#include "pusher/stats.hpp"

namespace headroom::pusher {
namespace {

constexpr const char* kApi = "headroom_pusher_api_requests_total";
constexpr const char* kApiHelp = "Pusher HTTP API requests by outcome";
constexpr const char* kRejected = "headroom_ws_client_events_rejected_total";
constexpr const char* kRejectedHelp = "Client events refused (rate limit, not allowed, too large)";
constexpr const char* kRefused = "headroom_ws_connections_refused_total";
constexpr const char* kRefusedHelp = "WebSocket connections refused at connect";
constexpr const char* kRateLimited = "headroom_ws_rate_limited_total";
constexpr const char* kRateLimitedHelp =
    "Connections closed (4100) for going over websocket.max_messages_per_second, by the message that went over";
// Label values, in InboundKind order.
constexpr std::array<const char*, kInboundKinds> kKindNames = {
    "ping_frame", "pong_frame",  "binary", "malformed",    "pusher_ping",
    "subscribe",  "unsubscribe", "signin", "client_event", "other",
};

std::array<metrics::Counter*, kInboundKinds> rate_limited_counters(metrics::Registry& r) {
  std::array<metrics::Counter*, kInboundKinds> counters{};
  for (size_t i = 0; i < kInboundKinds; ++i) {
    counters[i] = &r.counter(kRateLimited, kRateLimitedHelp, {{"kind", kKindNames[i]}});
  }
  return counters;
}

}  // namespace

Stats::Stats(metrics::Registry& r)
    : connections(r.gauge("headroom_ws_connections", "Open Pusher WebSocket connections")),
      vip_sessions(r.gauge("headroom_vip_sessions", "Signed-in users whose user_info.tier is vip")),
      signed_in_users(r.gauge("headroom_ws_signed_in_users", "Connections with a signed-in user")),
      messages_in(r.counter("headroom_ws_messages_total", "WebSocket messages", {{"direction", "in"}})),
      messages_out(r.counter("headroom_ws_messages_total", "WebSocket messages", {{"direction", "out"}})),
      bytes_in(r.counter("headroom_ws_bytes_total", "WebSocket bytes", {{"direction", "in"}})),
      bytes_out(r.counter("headroom_ws_bytes_total", "WebSocket bytes", {{"direction", "out"}})),
      client_events_rate_limited(r.counter(kRejected, kRejectedHelp, {{"reason", "rate_limited"}})),
      client_events_rejected(r.counter(kRejected, kRejectedHelp, {{"reason", "invalid"}})),
      slow_consumers_closed(r.counter("headroom_ws_slow_consumers_closed_total",
                                      "Connections closed (4100) because their send buffer was full")),
      rejected_connection_limit(r.counter(kRefused, kRefusedHelp, {{"reason", "connection_limit"}})),
      rejected_unknown_app(r.counter(kRefused, kRefusedHelp, {{"reason", "unknown_app"}})),
      subscription_errors(r.counter("headroom_ws_subscription_errors_total", "Subscriptions refused")),
      protocol_errors(r.counter("headroom_ws_protocol_errors_total", "Malformed frames or messages")),
      events_published(r.counter("headroom_channel_events_published_total", "Events published to channels")),
      events_publish_failed(r.counter("headroom_channel_events_publish_failed_total",
                                      "Publishes the broker refused or dropped (the caller was told)")),
      recoveries_ok(r.counter("headroom_channel_recoveries_total", "Recovery requests", {{"outcome", "ok"}})),
      recoveries_failed(r.counter("headroom_channel_recoveries_total", "Recovery requests", {{"outcome", "failed"}})),
      api_ok(r.counter(kApi, kApiHelp, {{"outcome", "ok"}})),
      api_bad_request(r.counter(kApi, kApiHelp, {{"outcome", "bad_request"}})),
      api_unauthorized(r.counter(kApi, kApiHelp, {{"outcome", "unauthorized"}})),
      api_forbidden(r.counter(kApi, kApiHelp, {{"outcome", "forbidden"}})),
      api_not_found(r.counter(kApi, kApiHelp, {{"outcome", "not_found"}})),
      api_too_large(r.counter(kApi, kApiHelp, {{"outcome", "too_large"}})),
      api_rate_limited(r.counter(kApi, kApiHelp, {{"outcome", "rate_limited"}})),
      webhooks_sent(r.counter("headroom_webhooks_sent_total", "Webhook batches delivered")),
      webhook_failures(r.counter("headroom_webhook_failures_total", "Webhook batches given up after retries")),
      webhooks_dropped(r.counter("headroom_webhooks_dropped_total", "Webhook events dropped: queue full")),
      webhook_retries(r.counter("headroom_webhook_retries_total", "Webhook batch attempts that are retried")),
      webhook_queue_depth(r.gauge("headroom_webhook_queue_depth", "Webhook events waiting to be sent")),
      rate_limited_(rate_limited_counters(r)) {}

}  // namespace headroom::pusher
