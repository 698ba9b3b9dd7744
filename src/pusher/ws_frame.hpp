#pragma once
// RFC 6455 framing, without I/O: a parser for client frames (masked, possibly fragmented,
// interleaved control frames) and encoders for server frames (unmasked). Pure, so the connection
// code, the unit tests and the libFuzzer target (tests/fuzz/websocket_frame_fuzz.cpp) share it.
// permessage-deflate is not negotiated, so RSV1-3 must be zero.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace headroom::pusher::ws {

enum class Opcode : uint8_t { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

// Close codes this server sends (RFC 6455 §7.4.1).
inline constexpr uint16_t kCloseNormal = 1000;
inline constexpr uint16_t kCloseGoingAway = 1001;
inline constexpr uint16_t kCloseProtocolError = 1002;
inline constexpr uint16_t kCloseNoStatus = 1005;
inline constexpr uint16_t kCloseInvalidPayload = 1007;
inline constexpr uint16_t kCloseTooBig = 1009;

struct Event {
  enum class Kind { kNone, kMessage, kPing, kPong, kClose, kError };
  Kind kind = Kind::kNone;
  Opcode opcode = Opcode::kText;  // for kMessage: text or binary
  std::string payload;            // message, ping/pong data, or close reason
  uint16_t close_code = 0;        // kClose: the peer's code (1005 if none); kError: the code to close with
};

class FrameParser {
 public:
  // A single frame's payload over max_frame_bytes, or a reassembled message over
  // max_message_bytes, is an error with close code 1009.
  FrameParser(size_t max_frame_bytes, size_t max_message_bytes)
      : max_frame_(max_frame_bytes), max_message_(max_message_bytes) {}

  void feed(std::string_view bytes);
  // The next complete event, or kNone when more bytes are needed. After kError or kClose the
  // parser stays failed/closed and returns kNone.
  Event next();
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  Event fail(uint16_t code, std::string why);
  Event on_frame(bool fin, Opcode op, std::string payload);

  size_t max_frame_;
  size_t max_message_;
  std::string buf_;
  size_t pos_ = 0;
  bool done_ = false;
  bool in_message_ = false;
  Opcode message_op_ = Opcode::kText;
  std::string message_;
};

bool valid_utf8(std::string_view s);
bool valid_close_code(uint16_t code);

// A complete server frame (FIN set, unmasked).
std::string encode_frame(Opcode op, std::string_view payload);
std::string encode_close(uint16_t code, std::string_view reason = {});
// Client frame (masked) — for tests and the fuzz target.
std::string encode_client_frame(Opcode op, std::string_view payload, bool fin = true, uint32_t mask = 0x11223344);

}  // namespace headroom::pusher::ws
