#include "ratelimit/abuse_monitor.hpp"

namespace headroom::ratelimit {

namespace {
constexpr int64_t kMinuteNs = 60'000'000'000;
}

std::string_view signal_name(Signal s) {
  switch (s) {
    case Signal::kBadSignature:
      return "bad_signature";
    case Signal::kBadToken:
      return "bad_token";
    case Signal::kLimitHit:
      return "limit_hit";
  }
  return "unknown";
}

AbuseMonitor::AbuseMonitor(const Clock& clock, AbuseConfig config)
    : clock_(clock), threshold_(config.threshold_per_minute), ban_ns_(config.ban.count()), keys_(config.max_keys) {}

void AbuseMonitor::set_limits(int threshold_per_minute, Clock::Duration ban) {
  threshold_.store(threshold_per_minute, std::memory_order_relaxed);
  ban_ns_.store(ban.count(), std::memory_order_relaxed);
}

bool AbuseMonitor::record(std::string_view key, Signal signal) {
  counts_[static_cast<int>(signal)].fetch_add(1, std::memory_order_relaxed);
  const int64_t t = now();
  std::lock_guard lock(mu_);
  KeyState& k = keys_.find_or_insert(key, KeyState{t, 0, INT64_MIN, 0});
  if (t - k.window_start >= kMinuteNs) {
    k.window_start = t;
    k.count = 0;
  }
  ++k.count;
  if (k.count != threshold_.load(std::memory_order_relaxed)) return false;
  k.incident_at = t;
  if (const int64_t ban = ban_ns_.load(std::memory_order_relaxed); ban > 0) {
    k.banned_until = t + ban;
    last_ban_ends_.store(k.banned_until, std::memory_order_release);
  }
  incidents_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

Clock::Duration AbuseMonitor::banned_for(std::string_view key) {
  if (ban_ns_.load(std::memory_order_relaxed) <= 0) return Clock::Duration(0);  // bans off: none apply
  const int64_t t = now();
  if (last_ban_ends_.load(std::memory_order_acquire) <= t) return Clock::Duration(0);
  std::lock_guard lock(mu_);
  KeyState* k = keys_.find(key);
  if (k == nullptr || k->banned_until <= t) return Clock::Duration(0);
  return Clock::Duration(k->banned_until - t);
}

std::vector<std::string> AbuseMonitor::incident_keys() {
  const int64_t t = now();
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  keys_.for_each([&](const std::string& key, KeyState& k) {
    if (k.incident_at != INT64_MIN && t - k.incident_at < kMinuteNs) out.push_back(key);
  });
  return out;
}

size_t AbuseMonitor::blocked_keys() {
  const int64_t t = now();
  size_t n = 0;
  std::lock_guard lock(mu_);
  keys_.for_each([&](const std::string&, KeyState& k) { n += k.banned_until > t ? 1 : 0; });
  return n;
}

}  // namespace headroom::ratelimit
