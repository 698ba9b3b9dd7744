#pragma once
// What the bench reads out of the messages it receives, without a full JSON parse on the hot
// path: the send-time marker "bts=<ns>;" that every timed message carries, and the event name
// and socket id of Pusher messages.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace headroom::bench {

// "bts=<intended send time, ns>;" — put into event data by publishers, read by receivers.
std::string marker(int64_t send_ns);
// Every marker in text, in order.
void for_each_marker(std::string_view text, const std::function<void(int64_t)>& fn);

// Finds markers in a byte stream that arrives in arbitrary pieces (raw TCP, NATS frames).
class MarkerScanner {
 public:
  template <class Fn>
  void feed(std::string_view chunk, Fn&& fn) {
    for (char c : chunk) step(c, fn);
  }

 private:
  template <class Fn>
  void step(char c, Fn& fn) {
    static constexpr std::string_view kPrefix = "bts=";
    if (matched_ < kPrefix.size()) {
      matched_ = c == kPrefix[matched_] ? matched_ + 1 : (c == 'b' ? 1 : 0);
      value_ = 0;
      return;
    }
    if (c >= '0' && c <= '9') {
      value_ = value_ * 10 + (c - '0');
      return;
    }
    if (c == ';') fn(value_);
    matched_ = c == 'b' ? 1 : 0;
  }
  size_t matched_ = 0;
  int64_t value_ = 0;
};

struct PusherMessage {
  std::string event;
  std::string channel;
  std::string data;  // the data field as a string (a JSON object is serialized)
};
// The event name by a quick scan (no allocation of the rest); empty if not found.
std::string_view pusher_event_name(std::string_view text);
// A full parse (for pusher:* and pusher_internal:* messages).
std::optional<PusherMessage> parse_pusher_message(std::string_view text);
// A field of a JSON object given as text (e.g. socket_id out of connection_established data).
std::string json_string_field(std::string_view object_text, std::string_view field);
// JSON string literal for s (quotes included).
std::string json_quote(std::string_view s);

}  // namespace headroom::bench
