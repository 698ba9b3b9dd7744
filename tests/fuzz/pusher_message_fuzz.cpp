// libFuzzer target for the Pusher protocol message parser and the parsers behind it
// (src/pusher/protocol.hpp): subscribe data, sign-in data, presence channel_data, names.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "channels/channel_name.hpp"
#include "pusher/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headroom;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto msg = pusher::parse_client_message(text);
  if (msg) {
    (void)pusher::parse_subscribe(msg->data);
    (void)pusher::parse_signin(msg->data);
    (void)channels::validate_channel_name(msg->channel);
    (void)channels::validate_event_name(msg->event);
    (void)channels::classify(msg->channel);
    (void)pusher::server_message(msg->event, msg->channel, msg->data_text);
  }
  (void)pusher::parse_presence_data(text);
  (void)pusher::parse_user_data(text);
  (void)pusher::valid_socket_id(text);
  return 0;
}
