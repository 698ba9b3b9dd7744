#pragma once
// The in-memory ChannelState (channel_state.hpp) of a single node: subscription counts, presence
// members and cache channels' last event. Connections live on different event loops, so this table
// is shared and guarded by one mutex; it is touched on subscribe/unsubscribe and by the HTTP API,
// never per delivered message (see docs/channels.md). The asynchronous interface answers at once,
// on the caller's thread; the synchronous calls below serve its own tests and the metrics scrape.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/channel_state.hpp"
#include "core/clock.hpp"
#include "core/status.hpp"

namespace headroom::channels {

class ChannelDirectory final : public ChannelState {
 public:
  explicit ChannelDirectory(Clock& clock, int64_t cache_ttl_ms = 30 * 60 * 1000, size_t max_cached = 100000)
      : clock_(clock), cache_ttl_ms_(cache_ttl_ms), max_cached_(max_cached) {}
  ChannelDirectory(const ChannelDirectory&) = delete;
  ChannelDirectory& operator=(const ChannelDirectory&) = delete;

  // member is set for presence channels. Fails RESOURCE_EXHAUSTED past max_members new users.
  Result<JoinResult> join(const std::string& app, const std::string& channel, const Member* member, int max_members);
  LeaveResult leave(const std::string& app, const std::string& channel, const std::string* user_id);

  ChannelInfo info(const std::string& app, const std::string& channel) const;
  // Occupied channels whose name starts with prefix, sorted by name.
  std::vector<std::pair<std::string, ChannelInfo>> list(const std::string& app, std::string_view prefix) const;
  std::vector<std::string> users(const std::string& app, const std::string& channel) const;
  // The presence payload for a subscription_succeeded ({"presence":{...}}), even when empty.
  std::string presence(const std::string& app, const std::string& channel) const;
  // Presence member info as JSON text, if the user is in the channel.
  std::optional<std::string> member_info(const std::string& app, const std::string& channel,
                                         const std::string& user_id) const;

  // Cache channels: last event (the full Pusher message), kept cache_ttl_ms.
  void set_cached(const std::string& app, const std::string& channel, std::string message) override;
  std::optional<std::string> cached(const std::string& app, const std::string& channel) const;

  size_t channel_count() const override;
  int64_t subscription_count() const override;

  // ChannelState, answered at once.
  void join(const std::string& app, const std::string& channel, const Member* member, int max_members,
            Done<JoinResult> done) override;
  void leave(const std::string& app, const std::string& channel, const std::string* user_id,
             Done<LeaveResult> done) override;
  void info(const std::string& app, const std::string& channel, Done<ChannelInfo> done) override;
  void list(const std::string& app, std::string_view prefix, Done<ChannelList> done) override;
  void users(const std::string& app, const std::string& channel, Done<std::vector<std::string>> done) override;
  void presence(const std::string& app, const std::string& channel, Done<std::string> done) override;
  void cached(const std::string& app, const std::string& channel, Done<std::optional<std::string>> done) override;

 private:
  struct PresenceMember {
    std::string info_json;
    int connections = 0;
  };
  struct Occupancy {
    int64_t subscriptions = 0;
    std::map<std::string, PresenceMember> members;
  };
  struct Cached {
    std::string message;
    int64_t expires_ms = 0;
  };
  using Key = std::pair<std::string, std::string>;  // app, channel
  std::string presence_json_locked(const Occupancy& state) const;
  void trim_cache_locked(int64_t now_ms);

  Clock& clock_;
  const int64_t cache_ttl_ms_;
  const size_t max_cached_;
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, Occupancy>> apps_;
  std::map<Key, Cached> cache_;
  int64_t total_subscriptions_ = 0;
};

}  // namespace headroom::channels
