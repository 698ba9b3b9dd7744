#include "channels/channel_name.hpp"

#include <string>

namespace headroom::channels {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool allowed_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_':
    case '-':
    case '=':
    case '@':
    case ',':
    case '.':
    case ';':
      return true;
    default:
      return false;
  }
}

}  // namespace

ChannelTraits classify(std::string_view channel) {
  ChannelTraits t;
  if (starts_with(channel, kServerToUserPrefix)) {
    t.kind = ChannelKind::kServerToUser;
    return t;
  }
  std::string_view rest = channel;
  if (starts_with(rest, "private-encrypted-")) {
    t.kind = ChannelKind::kPrivateEncrypted;
    rest.remove_prefix(18);
  } else if (starts_with(rest, "private-")) {
    t.kind = ChannelKind::kPrivate;
    rest.remove_prefix(8);
  } else if (starts_with(rest, "presence-")) {
    t.kind = ChannelKind::kPresence;
    rest.remove_prefix(9);
  }
  t.cache = starts_with(rest, "cache-");
  return t;
}

Status validate_channel_name(std::string_view channel) {
  if (channel.empty()) return invalid_argument("channel name is empty");
  if (channel.size() > kMaxChannelNameLength) {
    return invalid_argument("channel name longer than " + std::to_string(kMaxChannelNameLength) + " characters");
  }
  std::string_view body = channel;
  if (starts_with(body, kServerToUserPrefix)) {
    body.remove_prefix(kServerToUserPrefix.size());
    if (body.empty()) return invalid_argument("server-to-user channel without a user id");
  }
  for (char c : body) {
    if (!allowed_char(c)) {
      return invalid_argument("channel name may contain only letters, digits and _-=@,.;");
    }
  }
  return Status::ok();
}

Status validate_event_name(std::string_view event) {
  if (event.empty()) return invalid_argument("event name is empty");
  if (event.size() > kMaxEventNameLength) {
    return invalid_argument("event name longer than " + std::to_string(kMaxEventNameLength) + " characters");
  }
  return Status::ok();
}

std::string_view db_collection(std::string_view channel) {
  if (starts_with(channel, "db-")) return channel.substr(3);
  if (starts_with(channel, "private-db-")) return channel.substr(11);
  return {};
}

std::string_view server_to_user_id(std::string_view channel) {
  if (!starts_with(channel, kServerToUserPrefix)) return {};
  return channel.substr(kServerToUserPrefix.size());
}

}  // namespace headroom::channels
