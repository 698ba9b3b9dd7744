#include "pusher/hub.hpp"

#include <algorithm>

#include "channels/channel_name.hpp"
#include "pusher/protocol.hpp"
#include "pusher/session.hpp"
#include "pusher/ws_frame.hpp"

namespace headroom::pusher {

Hub::Hub(const config::Config& config, Clock& clock, Stats& stats, channels::Broker& broker,
         std::shared_ptr<Webhooks> webhooks)
    : config_(&config),
      clock_(clock),
      stats_(stats),
      broker_(broker),
      webhooks_(std::move(webhooks)),
      directory_(clock),
      history_(config.channels.history, clock) {
  broker_.set_local_sink([this](const channels::EnvelopePtr& env) { deliver_local(env); });
}

Loop& Hub::loop_for(const void* identity, const std::function<std::unique_ptr<Executor>()>& make_executor) {
  std::lock_guard lock(loops_mu_);
  auto it = loop_by_identity_.find(identity);
  if (it != loop_by_identity_.end()) return *it->second;
  const size_t n = loop_count_.load();
  if (n >= kMaxLoops) return *loops_[n % kMaxLoops];  // never in practice: one loop per core
  loops_[n] = std::make_unique<Loop>();
  loops_[n]->executor = make_executor();
  loop_by_identity_[identity] = loops_[n].get();
  loop_count_.store(n + 1, std::memory_order_release);
  return *loops_[n];
}

template <typename Fn>
void Hub::for_each_loop(Fn&& fn) {
  const size_t n = loop_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i) fn(*loops_[i]);
}

void Hub::reload(const config::Config& next) {
  config_.store(&next, std::memory_order_release);
  if (webhooks_) webhooks_->set_config(next);
  for_each_loop([&next](Loop& loop) {
    loop.executor->post([&loop, &next] {
      std::vector<std::pair<Session*, uint16_t>> closing;
      for (Session* s : loop.sessions) {
        const config::AppConfig* app = next.app_by_id(s->app().id);
        if (app == nullptr) {
          closing.emplace_back(s, kErrorAppUnknown);
        } else if (!app->enabled) {
          closing.emplace_back(s, kErrorAppDisabled);
        } else {
          s->set_app(*app);
        }
      }
      for (auto [s, code] : closing) {
        s->close(code, code == kErrorAppUnknown ? "App removed by a config reload" : "App is disabled");
      }
    });
  });
}

Hub::Admission Hub::admit(const config::AppConfig& app) {
  const config::WebSocketConfig& ws = config().websocket;
  const int before = connections_.fetch_add(1);
  if (before >= ws.max_connections) {
    connections_.fetch_sub(1);
    return Admission::kInstanceFull;
  }
  std::lock_guard lock(app_mu_);
  int& n = app_connections_[app.id];
  if (app.max_connections > 0 && n >= app.max_connections) {
    connections_.fetch_sub(1);
    return Admission::kAppFull;
  }
  ++n;
  stats_.connections.add(1);
  // Small instances keep at most a twentieth of their slots for VIPs (1000 → the configured 50).
  const int reserved = std::min(ws.vip_reserved_connections, ws.max_connections / 20);
  return before >= ws.max_connections - reserved ? Admission::kVipOnly : Admission::kOk;
}

void Hub::release(const config::AppConfig& app) {
  connections_.fetch_sub(1);
  stats_.connections.add(-1);
  std::lock_guard lock(app_mu_);
  --app_connections_[app.id];
}

bool Hub::allow_backend_events(const config::AppConfig& app, int events) {
  if (app.max_backend_events_per_sec <= 0) return true;
  const int64_t now = clock_.unix_ms();
  std::lock_guard lock(app_mu_);
  auto& [start, count] = backend_window_[app.id];
  if (now - start >= 1000) {
    start = now;
    count = 0;
  }
  if (count + events > app.max_backend_events_per_sec) return false;
  count += events;
  return true;
}

void Hub::publish(const config::AppConfig& app, const std::string& channel, std::string message,
                  std::string exclude_socket_id) {
  stats_.events_published.inc();
  auto send = [&](uint64_t offset, const std::string& msg) {
    auto env = std::make_shared<channels::Envelope>();
    env->app_id = app.id;
    env->channel = channel;
    env->message = msg;
    env->exclude_socket_id = exclude_socket_id;
    env->offset = offset;
    broker_.publish(std::move(env));
  };
  if (channels::classify(channel).cache) directory_.set_cached(app.id, channel, message);
  if (const auto* rule = history_.rule_for(channel)) {
    history_.append(
        app.id, channel, *rule, [&](uint64_t offset) { return with_offset(message, offset); }, send);
    return;
  }
  send(0, message);
}

std::string Hub::document_change_message(const std::string& channel, int64_t seq, std::string_view kind,
                                         const std::string& id, const std::string& doc_json) {
  const std::string data = "{\"id\":" + quoted(id) + ",\"seq\":" + std::to_string(seq) +
                           ",\"doc\":" + (doc_json.empty() ? std::string("null") : doc_json) + "}";
  return server_message_str("headroom:" + std::string(kind), channel, data);
}

void Hub::publish_document_change(const std::string& app_id, const std::string& collection, int64_t seq,
                                  std::string_view kind, const std::string& id, const std::string& doc_json) {
  const auto* app = config().app_by_id(app_id);
  if (!app) return;
  for (const std::string& channel : {"db-" + collection, "private-db-" + collection}) {
    if (!directory_.info(app_id, channel).occupied) continue;
    auto env = std::make_shared<channels::Envelope>();
    env->app_id = app_id;
    env->channel = channel;
    env->message = document_change_message(channel, seq, kind, id, doc_json);
    env->offset = static_cast<uint64_t>(seq);
    stats_.events_published.inc();
    broker_.publish(std::move(env));
  }
}

void Hub::deliver_local(const channels::EnvelopePtr& env) {
  auto frame = std::make_shared<const std::string>(ws::encode_frame(ws::Opcode::kText, env->message));
  auto key = std::make_shared<const std::string>(channels::SubscriberShard::key(env->app_id, env->channel));
  for_each_loop([&](Loop& loop) {
    loop.executor->post([this, &loop, frame, key, env] {
      const size_t n = loop.subscribers.deliver(*key, frame, *env);
      stats_.messages_out.inc(n);
      stats_.bytes_out.inc(n * frame->size());
    });
  });
}

void Hub::terminate_user(const std::string& app_id, const std::string& user_id) {
  for_each_loop([&](Loop& loop) {
    loop.executor->post([&loop, app_id, user_id] {
      std::vector<Session*> victims;
      for (Session* s : loop.sessions) {
        if (s->app().id == app_id && s->user_id() == user_id) victims.push_back(s);
      }
      for (Session* s : victims) s->close(4009, "connection terminated by the app");
    });
  });
}

void Hub::close_all(uint16_t code, const std::string& reason) {
  for_each_loop([&](Loop& loop) {
    loop.executor->post([&loop, code, reason] {
      std::vector<Session*> all(loop.sessions.begin(), loop.sessions.end());
      for (Session* s : all) s->close(code, reason);
    });
  });
}

}  // namespace headroom::pusher
