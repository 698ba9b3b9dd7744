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
#include "core/status.hpp"

namespace headroom::channels {

struct StoredEvent {
  uint64_t offset = 0;
  std::string message;  // the full Pusher message, "offset" included
};

// Where offsets and recent events live: in memory on one node (MemoryHistory), in Redis in a
// cluster, where the offset bump, the store and the publish are one atomic script.
class History {
 public:
  using Build = std::function<std::string(uint64_t offset)>;
  using Publish = std::function<void(uint64_t offset, const std::string& message)>;
  // Events after `since`, oldest first; nullopt when some of them are gone (or `since` is unknown).
  using Missed = std::optional<std::vector<StoredEvent>>;
  using SinceDone = std::function<void(Result<Missed>)>;
  virtual ~History() = default;

  // The rule for a channel, if its namespace keeps history (from the config: no round trip).
  virtual const config::HistoryRule* rule_for(std::string_view channel) const = 0;
  // Assigns the next offset, builds the message with build(offset), stores it and calls
  // publish(offset, message), as one step: offsets reach the broker in order.
  virtual void append(const std::string& app, const std::string& channel, const config::HistoryRule& rule,
                      const Build& build, const Publish& publish) = 0;
  // Asynchronous (a round trip in a cluster): called on an event loop, `done` runs on that loop,
  // possibly before since() returns. UNAVAILABLE when the history cannot be reached.
  virtual void since(const std::string& app, const std::string& channel, uint64_t since_offset, SinceDone done) = 0;
  virtual size_t channel_count() const = 0;  // this node's view, for metrics
};

// One node's history: a bounded deque per channel, guarded by one mutex. append publishes while
// holding it, so that offsets reach every event loop in order.
class MemoryHistory final : public History {
 public:
  MemoryHistory(std::vector<config::HistoryRule> rules, Clock& clock) : rules_(std::move(rules)), clock_(clock) {}
  MemoryHistory(const MemoryHistory&) = delete;
  MemoryHistory& operator=(const MemoryHistory&) = delete;

  const config::HistoryRule* rule_for(std::string_view channel) const override;
  void append(const std::string& app, const std::string& channel, const config::HistoryRule& rule, const Build& build,
              const Publish& publish) override;
  void since(const std::string& app, const std::string& channel, uint64_t since_offset, SinceDone done) override;
  // The same, answered in place. run_locked is called with the result under the lock.
  Missed since(const std::string& app, const std::string& channel, uint64_t since_offset,
               const std::function<void()>& run_locked = {});
  size_t channel_count() const override;

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
