#pragma once
// The channels module's wiring: the current config, the backends it was given (backends.hpp), and
// the parts that split the work — connection admission (admission.hpp), publishing and fan-out
// over the event loops (fanout.hpp) — plus the sinks through which it reaches other modules
// (abuse monitor, active users, webhooks). Sessions and the HTTP API reach everything through it.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "pusher/admission.hpp"
#include "pusher/backends.hpp"
#include "pusher/fanout.hpp"
#include "pusher/stats.hpp"
#include "pusher/webhooks.hpp"

namespace headroom::http {
struct Request;
}

namespace headroom::pusher {

// Where failed signatures are reported (the rate-limit module's abuse monitor, wired by the
// composition root). signal: "bad_signature". Called on the request's thread.
using SecuritySink = std::function<void(const http::Request& req, std::string_view signal)>;
// A signed-in user showed activity (sign-in, then any message); feeds the active-users count.
using UserSeenSink = std::function<void(std::string_view user_id)>;

class Hub {
 public:
  Hub(const config::Config& config, Clock& clock, Stats& stats, ChannelBackends backends,
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

  // Backends (chosen by the composition root).
  channels::ChannelState& state() { return backends_.state; }
  channels::History& history() { return backends_.history; }
  storage::ChangeBus& changes() { return backends_.changes; }
  ratelimit::LimiterStore& limits() { return backends_.limits; }

  ConnectionAdmission& admission() { return admission_; }
  Fanout& fanout() { return fanout_; }

  // Closes every connection of a signed-in user (terminate_connections), any thread.
  void terminate_user(const std::string& app_id, const std::string& user_id);
  // Closes every connection (drain: 4200, reconnect elsewhere).
  void close_all(uint16_t code, const std::string& reason);

  // Sinks to other modules; set once, before serving.
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
  Webhooks* webhooks() { return webhooks_.get(); }

 private:
  std::atomic<const config::Config*> config_;
  Clock& clock_;
  Stats& stats_;
  ChannelBackends backends_;
  std::shared_ptr<Webhooks> webhooks_;
  ConnectionAdmission admission_;
  Fanout fanout_;
  SecuritySink security_sink_;
  UserSeenSink user_seen_sink_;
};

}  // namespace headroom::pusher
