#include "pusher/ws_frame.hpp"

#include <utility>

namespace headroom::pusher::ws {
namespace {

bool is_control(Opcode op) { return static_cast<uint8_t>(op) >= 8; }

bool known_opcode(uint8_t op) { return op <= 2 || (op >= 8 && op <= 10); }

void put_length(std::string& out, uint8_t first_bits, size_t n) {
  if (n < 126) {
    out.push_back(static_cast<char>(first_bits | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(first_bits | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(first_bits | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((static_cast<uint64_t>(n) >> (8 * i)) & 0xFF));
  }
}

}  // namespace

void FrameParser::feed(std::string_view bytes) {
  if (done_) return;
  if (pos_ > 0 && pos_ * 2 >= buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

Event FrameParser::fail(uint16_t code, std::string why) {
  done_ = true;
  buf_.clear();
  pos_ = 0;
  message_.clear();
  Event e;
  e.kind = Event::Kind::kError;
  e.close_code = code;
  e.payload = std::move(why);
  return e;
}

Event FrameParser::next() {
  while (!done_) {
    const auto* p = reinterpret_cast<const uint8_t*>(buf_.data()) + pos_;
    const size_t avail = buf_.size() - pos_;
    if (avail < 2) return {};
    const bool fin = p[0] & 0x80;
    if (p[0] & 0x70) return fail(kCloseProtocolError, "reserved bits set");
    const uint8_t raw_op = p[0] & 0x0F;
    if (!known_opcode(raw_op)) return fail(kCloseProtocolError, "unknown opcode");
    const auto op = static_cast<Opcode>(raw_op);
    if (!(p[1] & 0x80)) return fail(kCloseProtocolError, "client frame not masked");
    uint64_t len = p[1] & 0x7F;
    size_t header = 2;
    if (len == 126) {
      if (avail < 4) return {};
      len = (uint64_t{p[2]} << 8) | p[3];
      header = 4;
      if (len < 126) return fail(kCloseProtocolError, "length not minimally encoded");
    } else if (len == 127) {
      if (avail < 10) return {};
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      header = 10;
      if (len >> 63) return fail(kCloseProtocolError, "length has the top bit set");
      if (len <= 0xFFFF) return fail(kCloseProtocolError, "length not minimally encoded");
    }
    if (is_control(op) && (!fin || len > 125)) return fail(kCloseProtocolError, "bad control frame");
    if (len > max_frame_) return fail(kCloseTooBig, "frame too large");
    if (avail < header + 4 + len) return {};
    const uint8_t* mask = p + header;
    const uint8_t* data = mask + 4;
    std::string payload(static_cast<size_t>(len), '\0');
    for (size_t i = 0; i < len; ++i) payload[i] = static_cast<char>(data[i] ^ mask[i & 3]);
    pos_ += header + 4 + static_cast<size_t>(len);
    Event e = on_frame(fin, op, std::move(payload));
    if (e.kind != Event::Kind::kNone) return e;
  }
  return {};
}

Event FrameParser::on_frame(bool fin, Opcode op, std::string payload) {
  Event e;
  switch (op) {
    case Opcode::kPing:
    case Opcode::kPong:
      e.kind = op == Opcode::kPing ? Event::Kind::kPing : Event::Kind::kPong;
      e.payload = std::move(payload);
      return e;
    case Opcode::kClose: {
      if (payload.size() == 1) return fail(kCloseProtocolError, "close payload of one byte");
      e.kind = Event::Kind::kClose;
      e.close_code = kCloseNoStatus;
      if (payload.size() >= 2) {
        e.close_code =
            static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) | static_cast<uint8_t>(payload[1]));
        if (!valid_close_code(e.close_code)) return fail(kCloseProtocolError, "invalid close code");
        e.payload = payload.substr(2);
        if (!valid_utf8(e.payload)) return fail(kCloseInvalidPayload, "close reason not UTF-8");
      }
      done_ = true;
      return e;
    }
    case Opcode::kText:
    case Opcode::kBinary:
      if (in_message_) return fail(kCloseProtocolError, "new message inside a fragmented one");
      in_message_ = true;
      message_op_ = op;
      message_.clear();
      break;
    case Opcode::kContinuation:
      if (!in_message_) return fail(kCloseProtocolError, "continuation without a message");
      break;
  }
  if (message_.size() + payload.size() > max_message_) return fail(kCloseTooBig, "message too large");
  message_.append(payload);
  if (!fin) return e;
  in_message_ = false;
  if (message_op_ == Opcode::kText && !valid_utf8(message_)) return fail(kCloseInvalidPayload, "text not UTF-8");
  e.kind = Event::Kind::kMessage;
  e.opcode = message_op_;
  e.payload = std::move(message_);
  message_.clear();
  return e;
}

bool valid_close_code(uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011);
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= extra; ++k) {
      if (i + k >= n || (p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::string encode_frame(Opcode op, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  out.push_back(static_cast<char>(0x80 | static_cast<uint8_t>(op)));
  put_length(out, 0, payload.size());
  out.append(payload);
  return out;
}

std::string encode_close(uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, 123));
  return encode_frame(Opcode::kClose, payload);
}

std::string encode_client_frame(Opcode op, std::string_view payload, bool fin, uint32_t mask) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | static_cast<uint8_t>(op)));
  put_length(out, 0x80, payload.size());
  const uint8_t m[4] = {static_cast<uint8_t>(mask >> 24), static_cast<uint8_t>(mask >> 16),
                        static_cast<uint8_t>(mask >> 8), static_cast<uint8_t>(mask)};
  for (uint8_t b : m) out.push_back(static_cast<char>(b));
  for (size_t i = 0; i < payload.size(); ++i) out.push_back(static_cast<char>(payload[i] ^ m[i & 3]));
  return out;
}

}  // namespace headroom::pusher::ws
