#pragma once
// Abuse and security signals per key (client IP or subject): failed signatures, bad or expired
// tokens, rate-limit hits. When one key's signals within a minute reach the threshold it enters a
// security incident (for the alerts module), and, when bans are configured, is blocked for a while.
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "ratelimit/lru_table.hpp"

namespace headroom::ratelimit {

enum class Signal { kBadSignature = 0, kBadToken = 1, kLimitHit = 2 };
std::string_view signal_name(Signal s);

struct AbuseConfig {
  int threshold_per_minute = 30;
  Clock::Duration ban{0};  // 0: incidents are reported, nobody is blocked
  size_t max_keys = 100000;
};

class AbuseMonitor {
 public:
  AbuseMonitor(const Clock& clock, AbuseConfig config);
  AbuseMonitor(const AbuseMonitor&) = delete;
  AbuseMonitor& operator=(const AbuseMonitor&) = delete;

  // A config reload: the new threshold and ban length apply to the next signal; counts and bans
  // already running are kept (max_keys is fixed at construction).
  void set_limits(int threshold_per_minute, Clock::Duration ban);

  // Counts one signal for `key`; true when this signal put the key into an incident.
  bool record(std::string_view key, Signal signal);
  // Time left on the key's ban; zero when not banned.
  Clock::Duration banned_for(std::string_view key);

  uint64_t signals(Signal s) const { return counts_[static_cast<int>(s)].load(std::memory_order_relaxed); }
  uint64_t incidents_total() const { return incidents_.load(std::memory_order_relaxed); }
  // Keys that entered an incident within the last minute (the "security incident" state).
  std::vector<std::string> incident_keys();
  bool incident_active() { return !incident_keys().empty(); }
  size_t blocked_keys();

 private:
  struct KeyState {
    int64_t window_start = 0;
    int64_t count = 0;
    int64_t incident_at = INT64_MIN;
    int64_t banned_until = 0;
  };
  int64_t now() const { return clock_.now().time_since_epoch().count(); }

  const Clock& clock_;
  std::atomic<int> threshold_;
  std::atomic<int64_t> ban_ns_;  // 0: nobody is blocked
  std::mutex mu_;
  LruTable<KeyState> keys_;
  std::array<std::atomic<uint64_t>, 3> counts_{};
  std::atomic<uint64_t> incidents_{0};
  std::atomic<int64_t> last_ban_ends_{0};  // lets banned_for skip the lock while nobody is banned
};

}  // namespace headroom::ratelimit
