#include "pusher_client.hpp"

#include "messages.hpp"

namespace headroom::bench {

void PusherClient::connect(Loop& loop, const Endpoint& server, const std::string& source_ip) {
  loop_ = &loop;
  StreamConn::Options o;
  o.server = server;
  o.source_ip = source_ip;
  o.ws_target = "/app/" + app_.key + "?protocol=7&client=headroom-bench&version=1.0";
  conn_ = StreamConn::open(loop, std::move(o), weak_from_this());
}

void PusherClient::subscribe(std::string_view channel, std::string_view channel_data) {
  std::string msg = R"({"event":"pusher:subscribe","data":{"channel":)" + json_quote(channel);
  const bool presence = channel.starts_with("presence-");
  if (presence || channel.starts_with("private-")) {
    msg += R"(,"auth":)" + json_quote(channel_auth(app_, socket_id_, channel, presence ? channel_data : ""));
  }
  if (presence) msg += R"(,"channel_data":)" + json_quote(channel_data);
  msg += "}}";
  if (conn_) conn_->send(msg);
}

void PusherClient::signin(std::string_view user_data) {
  std::string msg = R"({"event":"pusher:signin","data":{"user_data":)" + json_quote(user_data) + R"(,"auth":)" +
                    json_quote(user_auth(app_, socket_id_, user_data)) + "}}";
  if (conn_) conn_->send(msg);
}

void PusherClient::trigger(std::string_view channel, std::string_view event, std::string_view data) {
  std::string msg = R"({"event":)" + json_quote(event) + R"(,"channel":)" + json_quote(channel) + R"(,"data":)" +
                    json_quote(data) + "}";
  if (conn_) conn_->send(msg);
}

void PusherClient::close() {
  if (conn_) conn_->close();
}

void PusherClient::on_message(std::string_view payload, bool) {
  std::string_view event = pusher_event_name(payload);
  if (event.starts_with("pusher:") || event.starts_with("pusher_internal:")) return on_protocol_message(payload);
  if (events_.on_event) events_.on_event(*this, payload);
}

void PusherClient::on_protocol_message(std::string_view text) {
  auto m = parse_pusher_message(text);
  if (!m) return;
  if (m->event == "pusher:connection_established") {
    socket_id_ = json_string_field(m->data, "socket_id");
    if (events_.on_connected) events_.on_connected(*this);
  } else if (m->event == "pusher_internal:subscription_succeeded") {
    if (events_.on_subscribed) events_.on_subscribed(*this, m->channel);
  } else if (m->event == "pusher:signin_success") {
    if (events_.on_signed_in) events_.on_signed_in(*this);
  } else if (m->event == "pusher:ping") {
    if (conn_) conn_->send(R"({"event":"pusher:pong","data":{}})");
  } else if (m->event == "pusher:error" || m->event == "pusher:subscription_error") {
    if (events_.on_error) events_.on_error(*this, m->event + " " + m->channel + " " + m->data);
  }
}

void PusherClient::on_closed(std::string_view reason) {
  closed_ = true;
  if (events_.on_closed) events_.on_closed(*this, reason);
}

}  // namespace headroom::bench
