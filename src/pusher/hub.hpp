#pragma once
// The channels module's shared state: apps, the instance-wide channel directory, history, the
// broker, and one Loop per event loop (its subscriber shard and its sessions). Publishing from any
// thread stamps the event (cache, history), serialises it once into a WebSocket frame and posts
// that one shared frame to every loop (docs/channels.md).
#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "channels/broker.hpp"
#include "channels/directory.hpp"
#include "channels/history.hpp"
#include "channels/subscriber_shard.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/executor.hpp"
#include "core/status.hpp"
#include "pusher/change_log.hpp"
#include "pusher/stats.hpp"
#include "pusher/webhooks.hpp"

namespace headroom::http {
struct Request;
}

namespace headroom::pusher {

class Session;

// Where failed signatures are reported (the rate-limit module's abuse monitor, wired by the
// composition root). signal: "bad_signature". Called on the request's thread.
using SecuritySink = std::function<void(const http::Request& req, std::string_view signal)>;
// A signed-in user showed activity (sign-in, then any message); feeds the active-users count.
using UserSeenSink = std::function<void(std::string_view user_id)>;

// One per event loop; touched only on that loop's thread (except `executor`, which posts to it).
struct Loop {
  std::unique_ptr<Executor> executor;
  channels::SubscriberShard subscribers;
  std::unordered_set<Session*> sessions;
};

class Hub {
 public:
  static constexpr size_t kMaxLoops = 256;

  Hub(const config::Config& config, Clock& clock, Stats& stats, channels::Broker& broker,
      std::shared_ptr<Webhooks> webhooks);
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // The current config: an immutable snapshot that a reload swaps (read it once per operation).
  const config::Config& config() const { return *config_.load(std::memory_order_acquire); }
  // SIGHUP: later lookups use `next` (which must outlive the hub: the server keeps every loaded
  // config). Connections of a removed app close with 4001, of a disabled app with 4003; the others
  // see the app's new key, secret, flags and limits on their next check. Any thread.
  void reload(const config::Config& next);
  Clock& clock() { return clock_; }
  Stats& stats() { return stats_; }
  channels::ChannelDirectory& directory() { return directory_; }
  channels::History& history() { return history_; }
  Webhooks* webhooks() { return webhooks_.get(); }
  // Set once, before serving.
  void set_security_sink(SecuritySink sink) { security_sink_ = std::move(sink); }
  void set_user_seen_sink(UserSeenSink sink) { user_seen_sink_ = std::move(sink); }
  void user_seen(std::string_view user_id) const {
    if (user_seen_sink_) user_seen_sink_(user_id);
  }
  void report_security(const http::Request& req, std::string_view signal) const {
    if (security_sink_) security_sink_(req, signal);
  }
  void emit_webhook(const config::AppConfig& app, const WebhookEvent& ev) {
    if (webhooks_) webhooks_->emit(app, ev);
  }

  // The loop for an event-loop identity (e.g. its io_context), created on first use.
  Loop& loop_for(const void* identity, const std::function<std::unique_ptr<Executor>()>& make_executor);

  // kVipOnly: admitted into the last websocket.vip_reserved_connections slots; the connection must
  // sign in as a VIP user soon or is closed with 4100.
  enum class Admission { kOk, kVipOnly, kInstanceFull, kAppFull };
  Admission admit(const config::AppConfig& app);  // counts the connection when kOk or kVipOnly
  void release(const config::AppConfig& app);
  // The app's max_backend_events_per_sec (0 = unlimited) over a 1 s window; false: answer 429.
  bool allow_backend_events(const config::AppConfig& app, int events);
  int connections() const { return connections_.load(); }

  // Any thread. message is the complete Pusher message; cache channels keep it and history
  // channels stamp it with an offset first.
  void publish(const config::AppConfig& app, const std::string& channel, std::string message,
               std::string exclude_socket_id = {});
  // A committed document change (DESIGN.md §1 change feeds): headroom:added|modified|removed with
  // {"id","seq","doc"} on db-{collection} and private-db-{collection}. kind: added|modified|removed.
  void publish_document_change(const std::string& app_id, const std::string& collection, int64_t seq,
                               std::string_view kind, const std::string& id, const std::string& doc_json);
  // The message publish_document_change sends, for replays from the change log.
  static std::string document_change_message(const std::string& channel, int64_t seq, std::string_view kind,
                                             const std::string& id, const std::string& doc_json);
  // `since` on db-* subscriptions reads the change log through this; set once before serving.
  void set_change_log(ChangeLogReader reader) { change_log_ = std::move(reader); }
  const ChangeLogReader& change_log() const { return change_log_; }
  // Closes every connection of a signed-in user (terminate_connections), any thread.
  void terminate_user(const std::string& app_id, const std::string& user_id);
  // Closes every connection (drain: 4200, reconnect elsewhere).
  void close_all(uint16_t code, const std::string& reason);
  void set_draining() { draining_.store(true); }
  bool draining() const { return draining_.load(); }

 private:
  SecuritySink security_sink_;
  UserSeenSink user_seen_sink_;
  void deliver_local(const channels::EnvelopePtr& env);
  template <typename Fn>
  void for_each_loop(Fn&& fn);

  std::atomic<const config::Config*> config_;
  Clock& clock_;
  Stats& stats_;
  channels::Broker& broker_;
  std::shared_ptr<Webhooks> webhooks_;
  channels::ChannelDirectory directory_;
  channels::History history_;
  ChangeLogReader change_log_;

  std::mutex loops_mu_;
  std::map<const void*, Loop*> loop_by_identity_;
  std::array<std::unique_ptr<Loop>, kMaxLoops> loops_;
  std::atomic<size_t> loop_count_{0};

  std::atomic<int> connections_{0};
  std::mutex app_mu_;
  std::map<std::string, int> app_connections_;
  std::map<std::string, std::pair<int64_t, int>> backend_window_;  // app → (window start ms, events)
  std::atomic<bool> draining_{false};
};

}  // namespace headroom::pusher
