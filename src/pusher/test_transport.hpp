#pragma once
// A test double of the WebSocket transport: keeps what the session sent (text payloads, frame
// headers stripped) and the first close code. For session-level tests without sockets.
#include <cstdint>
#include <string>
#include <vector>

#include "pusher/session.hpp"

namespace headroom::pusher::testing {

struct FakeTransport final : Transport {
  bool send_frame(const channels::SharedFrame& frame) override {
    if (closed_code || full) return false;
    // Server frames here are always short text frames: strip the 2- or 4-byte header.
    const size_t header = (static_cast<uint8_t>((*frame)[1]) & 0x7F) == 126 ? 4 : 2;
    sent.push_back(frame->substr(header));
    return true;
  }
  void close(uint16_t code, const std::string&) override {
    if (!closed_code) closed_code = code;
  }
  bool saw(const std::string& needle) const { return count(needle) > 0; }
  int count(const std::string& needle) const {
    int n = 0;
    for (const auto& m : sent) n += m.find(needle) != std::string::npos;
    return n;
  }
  int pings() const { return count(R"("event":"pusher:ping")"); }
  std::vector<std::string> sent;
  uint16_t closed_code = 0;
  bool full = false;  // the send buffer is full: frames are refused
};

}  // namespace headroom::pusher::testing
