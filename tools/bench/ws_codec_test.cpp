#include "ws_codec.hpp"

#include <gtest/gtest.h>

namespace headroom::bench::ws {

TEST(WsCodec, AcceptValueFromRfc6455) {
  EXPECT_EQ(expected_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsCodec, HandshakeNeedsAllOfTheHeadThenChecksAccept) {
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  std::string resp =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi";
  EXPECT_EQ(parse_handshake_response(resp.substr(0, 40), key).state, HandshakeResult::State::kIncomplete);
  auto ok = parse_handshake_response(resp, key);
  ASSERT_EQ(ok.state, HandshakeResult::State::kOk) << ok.error;
  EXPECT_EQ(resp.substr(ok.consumed), "\x81\x02hi");
  auto bad = parse_handshake_response("HTTP/1.1 404 Not Found\r\n\r\n", key);
  EXPECT_EQ(bad.state, HandshakeResult::State::kFailed);
  auto wrong = parse_handshake_response("HTTP/1.1 101 OK\r\nSec-WebSocket-Accept: nope\r\n\r\n", key);
  EXPECT_EQ(wrong.state, HandshakeResult::State::kFailed);
}

TEST(WsCodec, MaskedFramesRoundTripAtEveryLengthForm) {
  for (size_t n : {size_t{0}, size_t{5}, size_t{125}, size_t{126}, size_t{65535}, size_t{65536}, size_t{100000}}) {
    std::string payload(n, 'x');
    for (size_t i = 0; i < n; ++i) payload[i] = static_cast<char>('a' + i % 26);
    std::string wire = encode_frame(Opcode::kText, payload, 0x12345678);
    EXPECT_TRUE(static_cast<uint8_t>(wire[1]) & 0x80) << "client frames are masked";
    EXPECT_EQ(decode_frame(std::string_view(wire).substr(0, wire.size() - 1), 1 << 20).state,
              DecodeResult::State::kIncomplete);
    auto r = decode_frame(wire, 1 << 20);
    ASSERT_EQ(r.state, DecodeResult::State::kFrame);
    EXPECT_EQ(r.frame.payload, payload);
    EXPECT_EQ(r.frame.size, wire.size());
    EXPECT_EQ(r.frame.op, Opcode::kText);
  }
}

TEST(WsCodec, DecodesUnmaskedServerFramesAndRejectsBadOnes) {
  std::string wire =
      "\x89\x03"
      "abc";  // ping
  auto r = decode_frame(wire, 100);
  ASSERT_EQ(r.state, DecodeResult::State::kFrame);
  EXPECT_EQ(r.frame.op, Opcode::kPing);
  EXPECT_EQ(r.frame.payload, "abc");
  EXPECT_EQ(decode_frame(std::string("\xc1\x00", 2), 100).state, DecodeResult::State::kError);
  std::string big("\x82\x7e\x10\x00", 4);
  EXPECT_EQ(decode_frame(big, 100).state, DecodeResult::State::kError);
  std::string frag = "\x01\x02he";
  auto f = decode_frame(frag, 100);
  ASSERT_EQ(f.state, DecodeResult::State::kFrame);
  EXPECT_FALSE(f.frame.fin);
}

}  // namespace headroom::bench::ws
