#pragma once
// The recovery extension (docs/protocol.md): channels whose name starts with a configured prefix
// keep their last N events for T seconds, each stamped with a per-channel increasing "offset".
// A subscriber that says since=<offset> gets what it missed, or a failure when it is gone.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"

namespace headroom::channels {

struct StoredEvent {
  uint64_t offset = 0;
  std::string message;  // the full Pusher message, "offset" included
};

class History {
 public:
  History(std::vector<config::HistoryRule> rules, Clock& clock) : rules_(std::move(rules)), clock_(clock) {}
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // The rule for a channel, if its namespace keeps history.
  const config::HistoryRule* rule_for(std::string_view channel) const;

  // Assigns the next offset, builds the message with build(offset), stores it, then calls
  // publish(offset, message) while still holding the lock, so that offsets reach every event
  // loop in order.
  using Build = std::function<std::string(uint64_t offset)>;
  using Publish = std::function<void(uint64_t offset, const std::string& message)>;
  void append(const std::string& app, const std::string& channel, const config::HistoryRule& rule, const Build& build,
              const Publish& publish);

  // Events after `since`, oldest first; nullopt when some of them are gone (or `since` is unknown).
  // run_locked is called with the result under the lock (to join the live stream without a gap).
  std::optional<std::vector<StoredEvent>> since(const std::string& app, const std::string& channel,
                                                uint64_t since_offset, const std::function<void()>& run_locked = {});
  size_t channel_count() const;

 private:
  struct Log {
    uint64_t next_offset = 1;
    std::deque<std::pair<int64_t, StoredEvent>> events;  // (stored at unix ms, event)
    int size = 0;
    int ttl_s = 0;
  };
  void expire_locked(Log& log, int64_t now_ms) const;

  const std::vector<config::HistoryRule> rules_;
  Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Log> logs_;
};

}  // namespace headroom::channels
