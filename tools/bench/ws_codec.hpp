#pragma once
// Client side of RFC 6455: the upgrade request and its check, masked frames out, server frames
// in. Pure functions over bytes; the socket code lives in net_*.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace headroom::bench::ws {

enum class Opcode : uint8_t { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

// The GET request that opens a WebSocket; key is the base64 Sec-WebSocket-Key.
std::string upgrade_request(std::string_view host, std::string_view target, std::string_view key);
// A fresh random Sec-WebSocket-Key.
std::string make_key();
// What the server must answer in Sec-WebSocket-Accept for key.
std::string expected_accept(std::string_view key);

struct HandshakeResult {
  enum class State { kIncomplete, kOk, kFailed } state = State::kIncomplete;
  size_t consumed = 0;  // bytes of the response head (what follows is frames)
  std::string error;
};
// Checks a server's answer: status 101 and the right Sec-WebSocket-Accept.
HandshakeResult parse_handshake_response(std::string_view data, std::string_view key);

// One masked client frame (FIN set).
std::string encode_frame(Opcode op, std::string_view payload, uint32_t mask);
void append_frame(std::string& out, Opcode op, std::string_view payload, uint32_t mask);

struct Frame {
  Opcode op = Opcode::kText;
  bool fin = true;
  std::string payload;  // unmasked
  size_t size = 0;      // bytes the frame took on the wire
};
struct DecodeResult {
  enum class State { kIncomplete, kFrame, kError } state = State::kIncomplete;
  Frame frame;
  std::string error;
};
// Decodes the frame at the start of data (server frames are unmasked; a masked one is accepted).
DecodeResult decode_frame(std::string_view data, uint64_t max_payload);

}  // namespace headroom::bench::ws
