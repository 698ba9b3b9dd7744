// libFuzzer target for the WebSocket frame parser (src/pusher/ws_frame.hpp): any bytes, fed in
// pieces whose sizes come from the input, must never crash, and after an error nothing follows.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pusher/ws_frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using headroom::pusher::ws::Event;
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  headroom::pusher::ws::FrameParser parser(4096, 16384);
  bool ended = false;
  while (!rest.empty()) {
    parser.feed(rest.substr(0, chunk));
    rest.remove_prefix(rest.size() < chunk ? rest.size() : chunk);
    for (;;) {
      Event e = parser.next();
      if (e.kind == Event::Kind::kNone) break;
      if (ended) __builtin_trap();  // nothing after close or error
      if (e.kind == Event::Kind::kError || e.kind == Event::Kind::kClose) ended = true;
      if (e.kind == Event::Kind::kMessage && e.payload.size() > 16384) __builtin_trap();
    }
  }
  return 0;
}
