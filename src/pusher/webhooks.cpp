#include "pusher/webhooks.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "pusher/protocol.hpp"

namespace headroom::pusher {

std::string WebhookEvent::to_json() const {
  std::string out = "{\"name\":" + quoted(name) + ",\"channel\":" + quoted(channel);
  if (!event.empty()) out += ",\"event\":" + quoted(event);
  if (name == "client_event") out += ",\"data\":" + quoted(data);
  if (!socket_id.empty()) out += ",\"socket_id\":" + quoted(socket_id);
  if (!user_id.empty()) out += ",\"user_id\":" + quoted(user_id);
  return out + "}";
}

Webhooks::Webhooks(const config::Config& config, Clock& clock, Executor& executor, server::HttpClient& client,
                   Stats& stats)
    : config_(&config),
      clock_(clock),
      executor_(executor),
      stats_(stats),
      sender_(notify::Sender::create(
          client, executor,
          {stats.webhooks_sent, stats.webhook_failures, stats.webhooks_dropped, stats.webhook_retries},
          sender_options(config))) {}

notify::SenderOptions Webhooks::sender_options(const config::Config& config) {
  notify::SenderOptions options;
  options.name = "webhook";
  options.max_queue = static_cast<size_t>(std::max(1, config.channels.webhook_queue));
  options.max_in_flight = options.max_queue;
  options.max_attempts = kMaxAttempts;
  options.first_backoff = std::chrono::milliseconds(500);
  options.max_backoff = std::chrono::milliseconds(4000);
  options.timeout = std::chrono::seconds(5);
  return options;
}

void Webhooks::emit(const config::AppConfig& app, const WebhookEvent& ev) {
  if (app.webhooks.empty()) return;
  const bool leaving = ev.name == "channel_vacated" || ev.name == "member_removed";
  const bool arriving = ev.name == "channel_occupied" || ev.name == "member_added";
  const std::string key = app.id + "\x1f" + ev.channel + "\x1f" + ev.user_id;
  const int delay = config().channels.webhook_vacate_delay_ms;
  std::lock_guard lock(mu_);
  if (arriving && held_.erase(key) > 0) return;  // came back in time: neither is sent
  if (!leaving || delay <= 0) {
    enqueue_locked(app.id, ev.to_json());
    return;
  }
  const uint64_t token = ++seq_;
  held_[key] = token;
  executor_.post_after(std::chrono::milliseconds(delay),
                       [self = shared_from_this(), key, token, app_id = app.id, json = ev.to_json()]() mutable {
                         std::lock_guard lock(self->mu_);
                         auto it = self->held_.find(key);
                         if (it == self->held_.end() || it->second != token) return;
                         self->held_.erase(it);
                         self->enqueue_locked(app_id, std::move(json));
                       });
}

void Webhooks::enqueue_locked(const std::string& app_id, std::string event_json) {
  if (depth_ >= static_cast<size_t>(config().channels.webhook_queue)) {
    stats_.webhooks_dropped.inc();
    return;
  }
  pending_[app_id].push_back(std::move(event_json));
  ++depth_;
  stats_.webhook_queue_depth.set(static_cast<double>(depth_));
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  executor_.post_after(std::chrono::milliseconds(config().channels.webhook_batch_ms),
                       [self = shared_from_this()] { self->flush(); });
}

size_t Webhooks::depth() const {
  std::lock_guard lock(mu_);
  return depth_;
}

void Webhooks::flush() {
  std::map<std::string, std::vector<std::string>> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
    depth_ = 0;
    flush_scheduled_ = false;
    stats_.webhook_queue_depth.set(0);
  }
  for (const auto& [app_id, events] : batch) {
    const auto* app = config().app_by_id(app_id);
    if (!app) continue;
    for (const auto& hook : app->webhooks) send(*app, hook, events);
  }
}

void Webhooks::send(const config::AppConfig& app, const config::Webhook& hook, const std::vector<std::string>& events) {
  std::string body = "{\"time_ms\":" + std::to_string(clock_.unix_ms()) + ",\"events\":[";
  uint64_t count = 0;
  for (const auto& ev : events) {
    if (!hook.event_types.empty()) {
      const bool wanted = std::any_of(hook.event_types.begin(), hook.event_types.end(), [&](const std::string& t) {
        return ev.find("\"name\":" + quoted(t)) != std::string::npos;
      });
      if (!wanted) continue;
    }
    if (count++ > 0) body += ',';
    body += ev;
  }
  if (count == 0) return;
  body += "]}";
  server::HttpClient::Headers headers = {{"Content-Type", "application/json"},
                                         {"X-Pusher-Key", app.key},
                                         {"X-Pusher-Signature", crypto::hmac_sha256_hex(app.secret, body)}};
  sender_->enqueue({hook.url, std::move(headers), std::move(body), count});
}

}  // namespace headroom::pusher
