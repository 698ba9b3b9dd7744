#include "pusher/session.hpp"

#include "http/message.hpp"
#include "pusher/auth.hpp"
#include "pusher/ws_frame.hpp"

namespace headroom::pusher {

using channels::ChannelKind;

namespace {

// For answers nobody waits for (a join taken back).
void ignore(const Result<channels::LeaveResult>&) {}

InboundKind kind_of(const Result<ClientMessage>& msg) {
  if (!msg) return InboundKind::kMalformed;
  const std::string& ev = msg->event;
  if (ev == "pusher:ping") return InboundKind::kPusherPing;
  if (ev == "pusher:subscribe") return InboundKind::kSubscribe;
  if (ev == "pusher:unsubscribe") return InboundKind::kUnsubscribe;
  if (ev == "pusher:signin") return InboundKind::kSignin;
  if (ev.rfind("client-", 0) == 0) return InboundKind::kClientEvent;
  return InboundKind::kOther;
}

// The message rate's burst is two seconds' worth, so that the client-event limit (a one-second
// burst of at most the same rate) answers 4301 and keeps the connection before this one closes it.
std::optional<ratelimit::ConnectionLimiter> message_limiter(Hub& hub) {
  const int64_t rate = hub.config().websocket.max_messages_per_second;  // restart-only, >= 1 when loaded
  if (rate <= 0) return std::nullopt;
  return std::make_optional<ratelimit::ConnectionLimiter>(hub.clock(), rate, 2 * rate);
}

}  // namespace

Session::Session(Hub& hub, Loop& loop, const config::AppConfig& app, Transport& transport, std::string socket_id)
    : hub_(hub),
      loop_(loop),
      app_(&app),
      transport_(transport),
      socket_id_(std::move(socket_id)),
      messages_(message_limiter(hub)) {}

Session::~Session() {
  alive_.reset();
  on_closed();
}

void Session::start() {
  started_ = true;
  loop_.sessions.insert(this);
  send_text(connection_established(socket_id_, hub_.config().websocket.activity_timeout_s));
}

void Session::send_text(const std::string& message) {
  auto frame = std::make_shared<const std::string>(ws::encode_frame(ws::Opcode::kText, message));
  if (transport_.send_frame(frame)) {
    hub_.stats().messages_out.inc();
    hub_.stats().bytes_out.inc(frame->size());
  }
}

void Session::send_error(std::optional<int> code, std::string_view message) { send_text(error_message(code, message)); }

void Session::deliver(const channels::SharedFrame& frame, const channels::Envelope& envelope) {
  if (closed_) return;
  if (envelope.offset != 0) {
    auto it = subs_.find(envelope.channel);
    if (it == subs_.end()) return;
    if (it->second.replaying) {  // a change-feed resume is reading the log: hold live changes back
      if (it->second.held.size() >= kMaxFeedHeld) {
        fail_feed_replay(envelope.channel, it->second, it->second.last_offset,
                         "too far behind: too many live "
                         "changes during the replay");
      } else {
        it->second.held.emplace_back(envelope.offset, frame);
        return;
      }
    }
    if (envelope.offset <= it->second.last_offset) return;  // already replayed
    it->second.last_offset = envelope.offset;
  }
  transport_.send_frame(frame);
}

bool Session::admit(InboundKind kind) {
  if (over_message_rate_ || closed_) return false;
  if (!messages_ || messages_->allow()) return true;
  over_message_rate_ = true;
  hub_.stats().rate_limited(kind).inc();
  const std::string rate = std::to_string(hub_.config().websocket.max_messages_per_second);
  send_error(kErrorOverCapacity, "Over the message rate limit (" + rate + " per second): back off and reconnect");
  transport_.close(kErrorOverCapacity, "Over the message rate limit");
  return false;
}

void Session::on_text(std::string_view text) {
  if (closed_ || over_message_rate_) return;
  hub_.stats().messages_in.inc();
  auto msg = parse_client_message(text);
  if (!admit(kind_of(msg))) return;
  if (!msg) {
    hub_.stats().protocol_errors.inc();
    send_error(std::nullopt, "Invalid message: " + msg.status().message());
    return;
  }
  if (!user_id_.empty()) hub_.user_seen(user_id_);  // pings and pongs keep an idle user active
  const std::string& ev = msg->event;
  if (ev == "pusher:ping") {
    send_text(server_message("pusher:pong", {}, "{}"));
  } else if (ev == "pusher:pong") {
    // activity is tracked by the transport
  } else if (ev == "pusher:subscribe") {
    handle_subscribe(*msg);
  } else if (ev == "pusher:unsubscribe") {
    handle_unsubscribe(*msg);
  } else if (ev == "pusher:signin") {
    handle_signin(*msg);
  } else if (ev.rfind("client-", 0) == 0) {
    handle_client_event(*msg);
  } else if (ev.rfind("pusher:", 0) != 0) {
    hub_.stats().protocol_errors.inc();
    send_error(std::nullopt, "Unsupported event: only pusher:* and client-* events may be sent");
  }
}

void Session::refuse_subscription(const std::string& channel, std::string_view type, std::string_view why, int status) {
  hub_.stats().subscription_errors.inc();
  send_text(subscription_error(channel, type, why, status));
}

bool Session::authorize(const channels::ChannelTraits& traits, const SubscribeRequest& req, channels::Member* member) {
  if (traits.kind == ChannelKind::kServerToUser) {
    if (user_id_.empty() || channels::server_to_user_id(req.channel) != user_id_) {
      refuse_subscription(req.channel, "AuthError", "sign in as this user to subscribe to its channel", 403);
      return false;
    }
    return true;
  }
  if (auto collection = channels::db_collection(req.channel); !collection.empty()) {
    if (!authorize_change_feed(traits, req.channel, collection)) return false;
  }
  if (!traits.needs_auth()) return true;
  const std::string_view data = traits.kind == ChannelKind::kPresence ? std::string_view(req.channel_data) : "";
  if (!verify_channel_auth(*app_, socket_id_, req.channel, data, req.auth)) {
    report_bad_signature();
    refuse_subscription(req.channel, "AuthError", "invalid signature for this socket and channel", 401);
    return false;
  }
  if (traits.kind == ChannelKind::kPresence) {
    auto user = parse_presence_data(req.channel_data);
    if (!user) {
      refuse_subscription(req.channel, "AuthError", user.status().message(), 400);
      return false;
    }
    member->user_id = user->id;
    member->user_info_json = user->info_json;
  }
  return true;
}

bool Session::authorize_change_feed(const channels::ChannelTraits& traits, const std::string& channel,
                                    std::string_view collection) {
  // One shared frame goes to every subscriber, so only rules that do not depend on the document's
  // owner can be served: public (db- or private-db-) and authenticated (private-db- + signed in).
  const std::string rule = hub_.config().rules_for(*app_, collection).read;
  const bool is_private = traits.kind == ChannelKind::kPrivate;
  if (rule == "public") return true;
  if (rule == "authenticated" && is_private && !user_id_.empty()) return true;
  const std::string why = rule == "authenticated"
                              ? "this collection's change feed needs private-db- and a signed-in user"
                              : "this collection's read rule (" + rule + ") has no change feed";
  refuse_subscription(channel, "AuthError", why, 403);
  return false;
}

void Session::handle_subscribe(const ClientMessage& msg) {
  auto req = parse_subscribe(msg.data);
  if (!req) {
    hub_.stats().protocol_errors.inc();
    send_error(std::nullopt, req.status().message());
    return;
  }
  const std::string& channel = req->channel;
  if (auto valid = channels::validate_channel_name(channel); !valid) {
    refuse_subscription(channel, "InvalidChannel", valid.message(), 400);
    return;
  }
  if (auto it = subs_.find(channel); it != subs_.end()) {  // already subscribed: confirm again
    if (it->second.join_id != 0) return;                   // the pending join will answer
    if (it->second.traits.kind != ChannelKind::kPresence) {
      send_text(server_message_str("pusher_internal:subscription_succeeded", channel, "{}"));
      return;
    }
    hub_.state().presence(app_->id, channel,
                          [this, alive = std::weak_ptr<int>(alive_), channel](Result<std::string> members) {
                            if (alive.expired() || closed_) return;
                            if (!members) return send_error(std::nullopt, members.status().message());
                            send_text(server_message_str("pusher_internal:subscription_succeeded", channel, *members));
                          });
    return;
  }
  const int limit = hub_.config().websocket.max_channels_per_connection;
  if (static_cast<int>(subs_.size()) >= limit) {
    refuse_subscription(channel, "LimitReached", "at most " + std::to_string(limit) + " channels per connection", 429);
    return;
  }
  const auto traits = channels::classify(channel);
  channels::Member member;
  if (!authorize(traits, *req, &member)) return;
  const bool presence = traits.kind == ChannelKind::kPresence;
  const uint64_t join_id = ++joins_;
  Subscription sub{
      traits, channels::SubscriberShard::key(app_->id, channel), presence ? member.user_id : "", 0, false, 0, {},
      join_id};
  subs_.emplace(channel, std::move(sub));
  // The answer may come now (in memory) or later (a round trip); the session may be gone by then
  // (its join is undone without it) or have unsubscribed (likewise).
  hub_.state().join(app_->id, channel, presence ? &member : nullptr, app_->max_presence_members,
                    [this, alive = std::weak_ptr<int>(alive_), &hub = hub_, app = app_, channel, join_id, req = *req,
                     member_id = presence ? member.user_id : std::string()](Result<channels::JoinResult> joined) {
                      if (!alive.expired() && on_joined(channel, join_id, req, std::move(joined))) return;
                      // Unsubscribed or closed while the join was on its way: take it back, quietly.
                      if (joined) hub.state().leave(app->id, channel, member_id.empty() ? nullptr : &member_id, ignore);
                    });
}

bool Session::on_joined(const std::string& channel, uint64_t join_id, const SubscribeRequest& req,
                        Result<channels::JoinResult> joined) {
  auto it = subs_.find(channel);
  if (closed_ || it == subs_.end() || it->second.join_id != join_id) return false;
  if (!joined) {
    subs_.erase(it);
    if (joined.status().code() == Code::kResourceExhausted) {
      refuse_subscription(channel, "LimitReached", joined.status().message(), 429);
    } else {
      refuse_subscription(channel, "ServerError", joined.status().message(), 503);
    }
    return true;
  }
  Subscription& sub = it->second;
  sub.join_id = 0;
  loop_.subscribers.add(sub.key, this);
  if (!channels::db_collection(channel).empty()) hub_.fanout().count_feed_subscription(1);
  after_subscribe(channel, sub, req, *joined);
  return true;
}

void Session::after_subscribe(const std::string& channel, Subscription& sub, const SubscribeRequest& req,
                              const channels::JoinResult& joined) {
  const bool presence = sub.traits.kind == ChannelKind::kPresence;
  send_text(
      server_message_str("pusher_internal:subscription_succeeded", channel, presence ? joined.presence_json : "{}"));
  const bool listed = sub.traits.kind != ChannelKind::kServerToUser;
  if (joined.occupied && listed) hub_.emit_webhook(*app_, WebhookEvent::of("channel_occupied", channel));
  if (joined.member_added) {
    const std::string& info = joined.member_info.empty() ? std::string("null") : joined.member_info;
    hub_.fanout().publish(*app_, channel,
                          server_message_str("pusher_internal:member_added", channel,
                                             "{\"user_id\":" + quoted(sub.member_id) + ",\"user_info\":" + info + "}"),
                          socket_id_);
    hub_.emit_webhook(*app_, WebhookEvent::of("member_added", channel, sub.member_id));
  }
  if (req.since && !channels::db_collection(channel).empty()) {
    start_feed_replay(channel, sub, *req.since);
  } else if (req.since) {
    start_history_replay(channel, sub, *req.since);
  }
  if (sub.traits.cache) send_cached(channel);
}

void Session::start_history_replay(const std::string& channel, Subscription& sub, uint64_t since) {
  sub.last_offset = since;
  sub.replaying = true;
  sub.replay_id = ++replays_;
  hub_.history().since(
      app_->id, channel, since,
      [this, alive = std::weak_ptr<int>(alive_), channel, id = sub.replay_id,
       since](Result<channels::History::Missed> missed) {
        if (alive.expired()) return;
        auto it = subs_.find(channel);
        if (closed_ || it == subs_.end() || !it->second.replaying || it->second.replay_id != id) return;
        Subscription& sub = it->second;
        if (!missed || !*missed) {
          hub_.stats().recoveries_failed.inc();
          send_text(server_message("headroom:recovery_failed", channel, "{\"since\":" + std::to_string(since) + "}"));
        } else {
          hub_.stats().recoveries_ok.inc();
          for (const auto& ev : **missed) {
            if (ev.offset <= sub.last_offset) continue;
            send_text(ev.message);
            sub.last_offset = ev.offset;
          }
        }
        release_held(sub);
      });
}

void Session::send_cached(const std::string& channel) {
  hub_.state().cached(app_->id, channel,
                      [this, alive = std::weak_ptr<int>(alive_), channel](Result<std::optional<std::string>> last) {
                        if (alive.expired() || closed_ || subs_.count(channel) == 0) return;
                        if (last && *last) return send_text(**last);
                        send_text("{\"event\":\"pusher:cache_miss\",\"channel\":" + quoted(channel) + "}");
                        if (last) hub_.emit_webhook(*app_, WebhookEvent::of("cache_miss", channel));
                      });
}

void Session::handle_unsubscribe(const ClientMessage& msg) {
  std::string channel = msg.channel;
  if (msg.data.is_object()) {
    if (auto it = msg.data.as_object().find("channel"); it != msg.data.as_object().end() && it->value().is_string()) {
      channel = std::string(it->value().as_string());
    }
  }
  auto it = subs_.find(channel);
  if (it == subs_.end()) return;
  Subscription sub = std::move(it->second);
  subs_.erase(it);
  leave(channel, sub);
}

void Session::leave(const std::string& channel, const Subscription& sub) {
  if (sub.join_id != 0) return;  // not joined yet: the join's answer takes it back (on_joined)
  loop_.subscribers.remove(sub.key, this);
  if (!channels::db_collection(channel).empty()) hub_.fanout().count_feed_subscription(-1);
  const std::string* member = sub.member_id.empty() ? nullptr : &sub.member_id;
  // The answer needs nothing of the session, which may be gone by then.
  hub_.state().leave(app_->id, channel, member,
                     [&hub = hub_, app = app_, channel, member_id = sub.member_id,
                      listed = sub.traits.kind != ChannelKind::kServerToUser](Result<channels::LeaveResult> left) {
                       if (!left) return;  // the state's own failure counters and readiness say so
                       if (left->member_removed) {
                         hub.fanout().publish(*app, channel,
                                              server_message_str("pusher_internal:member_removed", channel,
                                                                 "{\"user_id\":" + quoted(member_id) + "}"));
                         hub.emit_webhook(*app, WebhookEvent::of("member_removed", channel, member_id));
                       }
                       if (left->vacated && listed)
                         hub.emit_webhook(*app, WebhookEvent::of("channel_vacated", channel));
                     });
}

void Session::report_bad_signature() const {
  http::Request client;
  client.remote_ip = remote_ip_;
  if (!forwarded_for_.empty()) client.headers.emplace_back("x-forwarded-for", forwarded_for_);
  hub_.report_security(client, "bad_signature");
}

bool Session::allow_client_event() {
  // Worked out per event (two integers) so that a reload changing the app's limit applies at once.
  int limit = hub_.config().websocket.max_messages_per_second;
  if (app_->max_client_events_per_sec > 0 && (limit <= 0 || app_->max_client_events_per_sec < limit)) {
    limit = app_->max_client_events_per_sec;
  }
  if (limit <= 0) {
    client_events_.reset();
    return true;
  }
  if (!client_events_ || client_events_limit_ != limit) {
    // The shared limiter core (GCRA): `limit` per second with a one-second burst.
    client_events_.emplace(hub_.clock(), limit, limit);
    client_events_limit_ = limit;
  }
  return client_events_->allow();
}

void Session::handle_client_event(const ClientMessage& msg) {
  auto reject = [&](std::optional<int> code, std::string_view why) {
    hub_.stats().client_events_rejected.inc();
    send_error(code, why);
  };
  if (!app_->enable_client_messages) return reject(std::nullopt, "client events are disabled for this app");
  auto it = subs_.find(msg.channel);
  if (it == subs_.end()) return reject(std::nullopt, "client event on a channel this connection is not subscribed to");
  if (!it->second.traits.allows_client_events() || !channels::db_collection(msg.channel).empty()) {
    return reject(std::nullopt, "client events are only allowed on private and presence channels");
  }
  if (auto valid = channels::validate_event_name(msg.event); !valid) return reject(std::nullopt, valid.message());
  const int max_payload = hub_.config().websocket.max_payload_bytes;
  if (max_payload > 0 && static_cast<int>(msg.data_text.size()) > max_payload) {
    return reject(std::nullopt, "client event payload over " + std::to_string(max_payload) + " bytes");
  }
  if (!allow_client_event()) {
    hub_.stats().client_events_rate_limited.inc();
    send_error(kErrorClientEventRate, "client event rate limit exceeded");
    return;
  }
  const std::string& user = it->second.member_id;
  hub_.fanout().publish(*app_, msg.channel, server_message(msg.event, msg.channel, msg.data_text, user), socket_id_);
  auto hook = WebhookEvent::of("client_event", msg.channel, user);
  hook.event = msg.event;
  hook.data = msg.data_text;
  hook.socket_id = socket_id_;
  hub_.emit_webhook(*app_, hook);
}

void Session::handle_signin(const ClientMessage& msg) {
  if (!app_->enable_user_authentication) {
    send_error(std::nullopt, "user authentication is disabled for this app");
    return;
  }
  auto req = parse_signin(msg.data);
  auto user = req ? parse_user_data(req->user_data) : Result<UserData>(req.status());
  if (!req || !user || !verify_user_auth(*app_, socket_id_, req->user_data, req->auth)) {
    if (req && user) report_bad_signature();
    send_error(kErrorUnauthorized, "invalid sign-in: user_data must be signed for this socket");
    transport_.close(kErrorUnauthorized, "invalid sign-in");
    return;
  }
  if (user_id_.empty()) hub_.stats().signed_in_users.add(1);
  if (vip_) hub_.stats().vip_sessions.add(-1);
  user_id_ = user->id;
  hub_.user_seen(user_id_);
  vip_ = user->tier == "vip";
  if (vip_) hub_.stats().vip_sessions.add(1);
  if (vip_only_ && !vip_) {
    hub_.stats().rejected_connection_limit.inc();
    send_error(kErrorOverCapacity, "Over connection limit: the remaining slots are kept for VIP users");
    transport_.close(kErrorOverCapacity, "Over connection limit");
    return;
  }
  send_text(server_message("pusher:signin_success", {}, "{\"user_data\":" + quoted(req->user_data) + "}"));
}

void Session::on_closed() {
  if (closed_) return;
  closed_ = true;
  if (started_) loop_.sessions.erase(this);
  auto subs = std::move(subs_);
  subs_.clear();
  for (const auto& [channel, sub] : subs) leave(channel, sub);
  if (!user_id_.empty()) hub_.stats().signed_in_users.add(-1);
  if (vip_) hub_.stats().vip_sessions.add(-1);
  vip_ = false;
  user_id_.clear();
}

}  // namespace headroom::pusher
