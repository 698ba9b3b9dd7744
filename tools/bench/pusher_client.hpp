#pragma once
// A Pusher Channels protocol v7 client on one StreamConn: connection_established, subscribe
// (authorizing private/presence channels itself with the app secret), sign-in, client events,
// ping/pong. Callbacks are shared by all clients of a scenario (one Events per scenario).
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net.hpp"
#include "signing.hpp"

namespace headroom::bench {

class PusherClient;

struct PusherEvents {
  std::function<void(PusherClient&)> on_connected;  // socket_id known
  std::function<void(PusherClient&, std::string_view channel)> on_subscribed;
  std::function<void(PusherClient&)> on_signed_in;
  std::function<void(PusherClient&, std::string_view text)> on_event;   // non-protocol messages, raw text
  std::function<void(PusherClient&, std::string_view error)> on_error;  // pusher:error, subscription_error
  std::function<void(PusherClient&, std::string_view reason)> on_closed;
};

class PusherClient final : public StreamHandler, public std::enable_shared_from_this<PusherClient> {
 public:
  PusherClient(const AppCredentials& app, const PusherEvents& events, size_t id)
      : app_(app), events_(events), id_(id) {}

  // Opens the WebSocket to /app/{key}; on the loop's thread from then on.
  void connect(Loop& loop, const Endpoint& server, const std::string& source_ip);
  void subscribe(std::string_view channel, std::string_view channel_data = {});
  void signin(std::string_view user_data);
  void trigger(std::string_view channel, std::string_view event, std::string_view data);
  void close();

  [[nodiscard]] size_t id() const { return id_; }
  [[nodiscard]] const std::string& socket_id() const { return socket_id_; }
  [[nodiscard]] bool connected() const { return !socket_id_.empty() && !closed_; }
  [[nodiscard]] Loop* loop() const { return loop_; }
  int64_t started_ns = 0;  // scenario bookkeeping
  int pending = 0;

  void on_message(std::string_view payload, bool binary) override;
  void on_closed(std::string_view reason) override;

 private:
  void on_protocol_message(std::string_view text);

  const AppCredentials& app_;
  const PusherEvents& events_;
  size_t id_;
  Loop* loop_ = nullptr;
  std::shared_ptr<StreamConn> conn_;
  std::string socket_id_;
  bool closed_ = false;
};

}  // namespace headroom::bench
