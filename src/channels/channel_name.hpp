#pragma once
// Pusher channel and event names: what kind a channel is (from its prefix) and whether a name is
// acceptable. Pure functions; the rules are Pusher's (164 chars, [A-Za-z0-9_\-=@,.;]).
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace headroom::channels {

enum class ChannelKind { kPublic, kPrivate, kPresence, kPrivateEncrypted, kServerToUser };

struct ChannelTraits {
  ChannelKind kind = ChannelKind::kPublic;
  bool cache = false;  // cache-, private-cache-, presence-cache-, private-encrypted-cache-
  bool needs_auth() const {
    return kind == ChannelKind::kPrivate || kind == ChannelKind::kPresence || kind == ChannelKind::kPrivateEncrypted;
  }
  bool allows_client_events() const { return kind == ChannelKind::kPrivate || kind == ChannelKind::kPresence; }
};

inline constexpr std::string_view kServerToUserPrefix = "#server-to-user-";
inline constexpr size_t kMaxChannelNameLength = 164;
inline constexpr size_t kMaxEventNameLength = 200;

ChannelTraits classify(std::string_view channel);
// OK or INVALID_ARGUMENT with a message saying what is wrong.
Status validate_channel_name(std::string_view channel);
Status validate_event_name(std::string_view event);
// Document change feeds (DESIGN.md §1): "db-{collection}" and "private-db-{collection}" give the
// collection; empty for any other channel.
std::string_view db_collection(std::string_view channel);
// For "#server-to-user-42": "42"; empty for any other channel.
std::string_view server_to_user_id(std::string_view channel);

}  // namespace headroom::channels
