#pragma once
// Pusher webhooks: events queued (bounded; overflow counted), batched for webhook_batch_ms, POSTed
// with X-Pusher-Key / X-Pusher-Signature (hex HMAC-SHA256 of the body with the app secret)
// through notify::Sender, which retries with exponential backoff. channel_vacated and member_removed are held for
// webhook_vacate_delay_ms: an occupied/added for the same channel (and user) within that time
// cancels both, so a quick reconnect does not flap.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/executor.hpp"
#include "notify/sender.hpp"
#include "pusher/stats.hpp"
#include "server/http_client.hpp"

namespace headroom::pusher {

struct WebhookEvent {
  std::string name;  // channel_occupied, channel_vacated, member_added, member_removed, client_event, cache_miss
  std::string channel;
  std::string user_id;
  std::string event;      // client_event
  std::string data;       // client_event: the data as JSON text, sent as a string
  std::string socket_id;  // client_event
  std::string to_json() const;
  static WebhookEvent of(std::string name, std::string channel, std::string user_id = {}) {
    WebhookEvent ev;
    ev.name = std::move(name);
    ev.channel = std::move(channel);
    ev.user_id = std::move(user_id);
    return ev;
  }
};

class Webhooks : public std::enable_shared_from_this<Webhooks> {
 public:
  static constexpr int kMaxAttempts = 5;
  // Batches are delivered by this sender: kMaxAttempts, backoff 0.5, 1, 2, 4 s, 5 s per attempt,
  // every batch started at once (no order between batches), at most webhook_queue held.
  static notify::SenderOptions sender_options(const config::Config& config);

  Webhooks(const config::Config& config, Clock& clock, Executor& executor, server::HttpClient& client, Stats& stats);
  // SIGHUP: batches flushed from now on go to the apps' webhooks in `next` (which must outlive
  // this: the server keeps every loaded config). Any thread.
  void set_config(const config::Config& next) { config_.store(&next, std::memory_order_release); }
  // Any thread. Does nothing for apps without webhooks.
  void emit(const config::AppConfig& app, const WebhookEvent& ev);
  // Sends what is queued now (the batch timer calls this).
  void flush();
  size_t depth() const;

 private:
  void enqueue_locked(const std::string& app_id, std::string event_json);
  void send(const config::AppConfig& app, const config::Webhook& hook, const std::vector<std::string>& events);

  const config::Config& config() const { return *config_.load(std::memory_order_acquire); }

  std::atomic<const config::Config*> config_;
  Clock& clock_;
  Executor& executor_;
  Stats& stats_;
  std::shared_ptr<notify::Sender> sender_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::string>> pending_;  // app id → event JSON
  size_t depth_ = 0;
  bool flush_scheduled_ = false;
  uint64_t seq_ = 0;
  std::map<std::string, uint64_t> held_;  // held vacated/removed events by key → token
};

}  // namespace headroom::pusher
