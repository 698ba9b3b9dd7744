#pragma once
// Channel state as the channels module sees it: occupancy (subscription counts), presence members
// (one per user id, however many connections it has) and cache channels' last events. One node
// keeps it in memory (ChannelDirectory, directory.hpp); a cluster keeps it in Redis, where every
// call is a round trip. So every call is asynchronous: it is made on an event loop and `done` runs
// on that same loop — possibly before the call returns (the in-memory state answers at once), so
// callers must not rely on either order.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace headroom::channels {

struct Member {
  std::string user_id;
  std::string user_info_json = "null";  // JSON text
};

struct JoinResult {
  bool occupied = false;      // first subscription of the channel: channel_occupied
  bool member_added = false;  // first connection of this user in a presence channel
  std::string presence_json;  // presence channels: {"presence":{"ids":..,"hash":..,"count":..}}
  std::string member_info;    // presence: the joining user's info JSON (what member_added carries)
};

struct LeaveResult {
  bool vacated = false;         // last subscription gone: channel_vacated
  bool member_removed = false;  // last connection of this user left the presence channel
};

struct ChannelInfo {
  bool occupied = false;
  int64_t subscription_count = 0;
  int64_t user_count = 0;
};

using ChannelList = std::vector<std::pair<std::string, ChannelInfo>>;

class ChannelState {
 public:
  template <typename T>
  using Done = std::function<void(Result<T>)>;
  virtual ~ChannelState() = default;

  // One subscription; member is set for presence channels. RESOURCE_EXHAUSTED past max_members
  // new users (0 = no limit); UNAVAILABLE when the state cannot be reached.
  virtual void join(const std::string& app, const std::string& channel, const Member* member, int max_members,
                    Done<JoinResult> done) = 0;
  // Undoes one join (user_id for presence channels).
  virtual void leave(const std::string& app, const std::string& channel, const std::string* user_id,
                     Done<LeaveResult> done) = 0;
  virtual void info(const std::string& app, const std::string& channel, Done<ChannelInfo> done) = 0;
  // Occupied channels whose name starts with prefix, sorted by name.
  virtual void list(const std::string& app, std::string_view prefix, Done<ChannelList> done) = 0;
  virtual void users(const std::string& app, const std::string& channel, Done<std::vector<std::string>> done) = 0;
  // The presence payload for a subscription_succeeded ({"presence":{...}}), even when empty.
  virtual void presence(const std::string& app, const std::string& channel, Done<std::string> done) = 0;
  // Cache channels: the last event (the full Pusher message), kept for a while.
  virtual void set_cached(const std::string& app, const std::string& channel, std::string message) = 0;
  virtual void cached(const std::string& app, const std::string& channel, Done<std::optional<std::string>> done) = 0;

  // This node's view, for the metrics scrape (any thread, never blocks).
  virtual size_t channel_count() const = 0;
  virtual int64_t subscription_count() const = 0;
};

}  // namespace headroom::channels
