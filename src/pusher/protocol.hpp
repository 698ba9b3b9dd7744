#pragma once
// Pusher protocol 7 messages: parsing what a client sends and building what the server sends.
// Server messages are built as text once and shared (see docs/channels.md).
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace headroom::pusher {

struct ClientMessage {
  std::string event;
  std::string channel;      // "" when absent
  boost::json::value data;  // as sent; a JSON string holding an object is parsed into the object
  std::string data_text;    // data serialised (client events forward it as is)
};

// INVALID_ARGUMENT for anything that is not {"event":"...", ...} with string event/channel.
Result<ClientMessage> parse_client_message(std::string_view text);

// Fields of a pusher:subscribe's data.
struct SubscribeRequest {
  std::string channel;
  std::string auth;
  std::string channel_data;       // presence: JSON text {"user_id":..,"user_info":..}
  std::optional<uint64_t> since;  // recovery extension
};
Result<SubscribeRequest> parse_subscribe(const boost::json::value& data);

struct SigninRequest {
  std::string auth;
  std::string user_data;  // JSON text, signed as is
};
Result<SigninRequest> parse_signin(const boost::json::value& data);

// Presence channel_data / sign-in user_data: {"user_id"|"id": "..", "user_info": {...}}.
struct UserData {
  std::string id;
  std::string info_json = "null";  // user_info serialised
  std::string tier;                // user_info.tier ("vip" makes a VIP session)
};
Result<UserData> parse_presence_data(std::string_view channel_data);
Result<UserData> parse_user_data(std::string_view user_data);

// {"event":E[,"channel":C],"data":D[,"user_id":U]} where data_json is already JSON text.
std::string server_message(std::string_view event, std::string_view channel, std::string_view data_json,
                           std::string_view user_id = {});
// Same, data given as a string that is JSON-encoded as a string (Pusher's convention).
std::string server_message_str(std::string_view event, std::string_view channel, std::string_view data);
// An event with a recovery offset: ...,"offset":N}
std::string with_offset(std::string_view message, uint64_t offset);

std::string connection_established(std::string_view socket_id, int activity_timeout_s);
std::string error_message(std::optional<int> code, std::string_view message);
std::string subscription_error(std::string_view channel, std::string_view type, std::string_view error, int status);
std::string quoted(std::string_view s);  // a JSON string literal

// "<n>.<m>", both positive, as Pusher clients expect.
std::string make_socket_id();
bool valid_socket_id(std::string_view id);

}  // namespace headroom::pusher
