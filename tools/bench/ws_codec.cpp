#include "ws_codec.hpp"

#include <algorithm>
#include <cctype>

#include "core/crypto.hpp"

namespace headroom::bench::ws {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string upgrade_request(std::string_view host, std::string_view target, std::string_view key) {
  std::string r;
  r.reserve(256);
  r.append("GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(host);
  r.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ");
  r.append(key).append("\r\n\r\n");
  return r;
}

std::string make_key() {
  uint64_t a = crypto::random_u64(), b = crypto::random_u64();
  std::string raw(16, '\0');
  for (int i = 0; i < 8; ++i) {
    raw[static_cast<size_t>(i)] = static_cast<char>(a >> (8 * i));
    raw[static_cast<size_t>(i + 8)] = static_cast<char>(b >> (8 * i));
  }
  return crypto::base64_encode(raw);
}

std::string expected_accept(std::string_view key) {
  std::string s(key);
  s.append("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  return crypto::base64_encode(crypto::sha1_raw(s));
}

HandshakeResult parse_handshake_response(std::string_view data, std::string_view key) {
  HandshakeResult r;
  size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (data.size() > 16384) r = {HandshakeResult::State::kFailed, 0, "handshake response too large"};
    return r;
  }
  r.consumed = end + 4;
  std::string_view head = data.substr(0, end);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.substr(9, 3) != "101") {
    r.state = HandshakeResult::State::kFailed;
    r.error = "upgrade refused: " + std::string(status_line);
    return r;
  }
  std::string accept;
  while (line_end != std::string_view::npos) {
    size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    std::string_view line =
        head.substr(start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), "sec-websocket-accept")) {
      accept = trim(line.substr(colon + 1));
    }
  }
  if (accept != expected_accept(key)) {
    r.state = HandshakeResult::State::kFailed;
    r.error = "bad Sec-WebSocket-Accept";
    return r;
  }
  r.state = HandshakeResult::State::kOk;
  return r;
}

void append_frame(std::string& out, Opcode op, std::string_view payload, uint32_t mask) {
  out.push_back(static_cast<char>(0x80 | static_cast<uint8_t>(op)));
  const uint64_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(n >> (8 * i)));
  }
  const char m[4] = {static_cast<char>(mask >> 24), static_cast<char>(mask >> 16), static_cast<char>(mask >> 8),
                     static_cast<char>(mask)};
  out.append(m, 4);
  const size_t base = out.size();
  out.append(payload);
  for (size_t i = 0; i < n; ++i) out[base + i] = static_cast<char>(out[base + i] ^ m[i & 3]);
}

std::string encode_frame(Opcode op, std::string_view payload, uint32_t mask) {
  std::string out;
  out.reserve(payload.size() + 14);
  append_frame(out, op, payload, mask);
  return out;
}

DecodeResult decode_frame(std::string_view data, uint64_t max_payload) {
  DecodeResult r;
  if (data.size() < 2) return r;
  const auto b0 = static_cast<uint8_t>(data[0]), b1 = static_cast<uint8_t>(data[1]);
  if (b0 & 0x70) return {DecodeResult::State::kError, {}, "reserved bits set"};
  const bool masked = b1 & 0x80;
  uint64_t len = b1 & 0x7f;
  size_t pos = 2;
  if (len == 126 || len == 127) {
    const size_t extra = len == 126 ? 2 : 8;
    if (data.size() < pos + extra) return r;
    len = 0;
    for (size_t i = 0; i < extra; ++i) len = (len << 8) | static_cast<uint8_t>(data[pos + i]);
    pos += extra;
  }
  if (len > max_payload) return {DecodeResult::State::kError, {}, "frame too large"};
  const size_t mask_at = pos;
  if (masked) pos += 4;
  if (data.size() < pos + len) return r;
  r.state = DecodeResult::State::kFrame;
  r.frame.op = static_cast<Opcode>(b0 & 0x0f);
  r.frame.fin = b0 & 0x80;
  r.frame.payload.assign(data.substr(pos, static_cast<size_t>(len)));
  if (masked) {
    for (size_t i = 0; i < r.frame.payload.size(); ++i) r.frame.payload[i] ^= data[mask_at + (i & 3)];
  }
  r.frame.size = pos + static_cast<size_t>(len);
  return r;
}

}  // namespace headroom::bench::ws
