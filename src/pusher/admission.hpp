#pragma once
// Which WebSocket connections this node takes: the instance-wide and per-app connection limits,
// the VIP-reserved slots, and the drain flag. Any thread (atomics and one mutex, taken per
// connection open/close, never per message).
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "config/config.hpp"
#include "pusher/stats.hpp"

namespace headroom::pusher {

class ConnectionAdmission {
 public:
  using ConfigFn = std::function<const config::Config&()>;  // the current config snapshot
  ConnectionAdmission(ConfigFn config, Stats& stats) : config_(std::move(config)), stats_(stats) {}

  // kVipOnly: admitted into the last websocket.vip_reserved_connections slots; the connection must
  // sign in as a VIP user soon or is closed with 4100.
  enum class Result { kOk, kVipOnly, kInstanceFull, kAppFull };
  Result admit(const config::AppConfig& app);  // counts the connection when kOk or kVipOnly
  void release(const config::AppConfig& app);
  int connections() const { return connections_.load(); }

  void set_draining() { draining_.store(true); }
  bool draining() const { return draining_.load(); }

 private:
  const ConfigFn config_;
  Stats& stats_;
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::map<std::string, int> app_connections_;
  std::atomic<bool> draining_{false};
};

}  // namespace headroom::pusher
