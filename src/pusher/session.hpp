#pragma once
// One Pusher connection's protocol state, without I/O: subscriptions, presence membership,
// sign-in, client events and their rate limit. It lives on its connection's event loop and talks
// to the socket through Transport, so unit tests drive it with a fake transport.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channels/channel_name.hpp"
#include "channels/subscriber_shard.hpp"
#include "config/config.hpp"
#include "pusher/hub.hpp"
#include "pusher/protocol.hpp"
#include "pusher/stats.hpp"
#include "ratelimit/connection_limiter.hpp"

namespace headroom::pusher {

// Pusher close / error codes used here (DESIGN.md §1).
inline constexpr int kErrorAppUnknown = 4001;
inline constexpr int kErrorAppDisabled = 4003;
inline constexpr int kErrorUnauthorized = 4009;
inline constexpr int kErrorOverCapacity = 4100;
inline constexpr int kErrorReconnect = 4200;
inline constexpr int kErrorPongTimeout = 4201;
inline constexpr int kErrorClientEventRate = 4301;

class Transport {
 public:
  virtual ~Transport() = default;
  // Queues a complete frame; false when the connection is closing (or just closed as slow).
  virtual bool send_frame(const channels::SharedFrame& frame) = 0;
  // Sends a close frame and ends the connection; asynchronous and idempotent.
  virtual void close(uint16_t code, const std::string& reason) = 0;
};

class Session final : public channels::Subscriber {
 public:
  Session(Hub& hub, Loop& loop, const config::AppConfig& app, Transport& transport, std::string socket_id);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();  // joins the loop and sends pusher:connection_established
  // The client's address and X-Forwarded-For from the upgrade request, for reporting failed
  // channel-auth and sign-in signatures to the hub's security sink.
  void set_client(std::string remote_ip, std::string forwarded_for) {
    remote_ip_ = std::move(remote_ip);
    forwarded_for_ = std::move(forwarded_for);
  }
  // A text message: admitted (see admit), parsed once, then acted on.
  void on_text(std::string_view text);
  // Spends one unit of the connection's message rate (websocket.max_messages_per_second, with a
  // burst of two seconds' worth) for an inbound message of `kind`. Over it: pusher:error 4100,
  // close 4100, headroom_ws_rate_limited_total{kind} + 1, and false from then on — drop the
  // message. on_text admits by itself; the transport admits control and binary frames.
  [[nodiscard]] bool admit(InboundKind kind);
  void on_closed();  // leaves every channel; idempotent
  void close(uint16_t code, const std::string& reason) { transport_.close(code, reason); }

  const config::AppConfig& app() const { return *app_; }
  // A config reload changed the app (key, secret, flags, limits): later checks use `app`, which
  // must outlive the session (the server keeps every loaded config). On the session's loop only.
  void set_app(const config::AppConfig& app) { app_ = &app; }
  const std::string& user_id() const { return user_id_; }
  bool vip() const { return vip_; }
  // Admitted into the VIP-reserved slots: a sign-in that is not VIP closes the connection (4100).
  void set_vip_only() { vip_only_ = true; }
  const std::string& socket_id() const override { return socket_id_; }
  void deliver(const channels::SharedFrame& frame, const channels::Envelope& envelope) override;
  size_t subscription_count() const { return subs_.size(); }

 private:
  struct Subscription {
    channels::ChannelTraits traits;
    std::string key;        // shard key
    std::string member_id;  // presence: the user id this connection joined as
    uint64_t last_offset = 0;
    // `since` (db-* feeds and history channels): live events wait here (offset, frame) until the
    // replay from the change log or the history is out.
    bool replaying = false;
    uint64_t replay_id = 0;
    std::vector<std::pair<uint64_t, channels::SharedFrame>> held;
    // Non-zero while the channel state has not answered the join: the subscription counts
    // towards the limit but is not in the loop's shard yet, and leaving it is the answer's job.
    uint64_t join_id = 0;
  };
  void handle_subscribe(const ClientMessage& msg);
  void handle_unsubscribe(const ClientMessage& msg);
  void handle_client_event(const ClientMessage& msg);
  void handle_signin(const ClientMessage& msg);
  bool authorize(const channels::ChannelTraits& traits, const SubscribeRequest& req, channels::Member* member);
  bool authorize_change_feed(const channels::ChannelTraits& traits, const std::string& channel,
                             std::string_view collection);
  // false: this join is no longer wanted (unsubscribed or closed meanwhile); the caller undoes it.
  bool on_joined(const std::string& channel, uint64_t join_id, const SubscribeRequest& req,
                 Result<channels::JoinResult> joined);
  void after_subscribe(const std::string& channel, Subscription& sub, const SubscribeRequest& req,
                       const channels::JoinResult& joined);
  void start_history_replay(const std::string& channel, Subscription& sub, uint64_t since);
  void send_cached(const std::string& channel);
  void leave(const std::string& channel, const Subscription& sub);
  // Change-feed resume (session_feed.cpp).
  void start_feed_replay(const std::string& channel, Subscription& sub, uint64_t since);
  void on_feed_read(const std::string& channel, uint64_t replay_id, uint64_t since,
                    Result<std::vector<storage::Change>> changes);
  void finish_feed_replay(const std::string& channel, Subscription& sub, uint64_t since,
                          const std::vector<storage::Change>& changes);
  void fail_feed_replay(const std::string& channel, Subscription& sub, uint64_t since, const std::string& reason);
  void release_held(Subscription& sub);
  using LoopPoster = std::function<void(std::function<void()>)>;
  LoopPoster loop_poster();
  bool allow_client_event();
  void send_text(const std::string& message);
  void send_error(std::optional<int> code, std::string_view message);
  void refuse_subscription(const std::string& channel, std::string_view type, std::string_view why, int status);

  Hub& hub_;
  Loop& loop_;
  const config::AppConfig* app_;  // the current config's entry for this app (see set_app)
  Transport& transport_;
  const std::string socket_id_;
  std::map<std::string, Subscription> subs_;
  std::string user_id_;
  bool vip_ = false;
  bool vip_only_ = false;
  bool closed_ = false;
  bool started_ = false;
  std::optional<ratelimit::ConnectionLimiter> messages_;  // every inbound message; none: unlimited
  bool over_message_rate_ = false;                        // closed by admit: later messages are dropped
  std::optional<ratelimit::ConnectionLimiter> client_events_;
  int client_events_limit_ = 0;  // the per-second limit client_events_ was built with
  std::string remote_ip_, forwarded_for_;
  void report_bad_signature() const;  // made at the first client event
  uint64_t replays_ = 0;
  uint64_t joins_ = 0;
  // Channel-state and history answers run on this loop; they check this before touching the session.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // callbacks from other threads check it
};

// Bounds of a change-feed resume: past either, headroom:recovery_failed ("too far behind").
inline constexpr int kMaxFeedReplay = 10000;   // change-log entries
inline constexpr size_t kMaxFeedHeld = 10000;  // live changes held back during the replay

}  // namespace headroom::pusher
