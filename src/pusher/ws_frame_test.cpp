#include "pusher/ws_frame.hpp"

#include <gtest/gtest.h>

namespace headroom::pusher::ws {
namespace {

Event parse_one(const std::string& bytes, size_t max = 1 << 16) {
  FrameParser p(max, max);
  p.feed(bytes);
  return p.next();
}

}  // namespace

TEST(FrameParser, UnmasksATextFrame) {
  Event e = parse_one(encode_client_frame(Opcode::kText, "hello"));
  ASSERT_EQ(e.kind, Event::Kind::kMessage);
  EXPECT_EQ(e.opcode, Opcode::kText);
  EXPECT_EQ(e.payload, "hello");
}

TEST(FrameParser, HandlesEveryLengthEncodingAndByteByByteFeeding) {
  for (size_t n : {0u, 125u, 126u, 65535u, 65536u, 70000u}) {
    const std::string payload(n, 'x');
    const std::string frame = encode_client_frame(Opcode::kBinary, payload);
    FrameParser p(1 << 20, 1 << 20);
    Event e;
    for (char c : frame) {
      EXPECT_EQ(p.next().kind, Event::Kind::kNone);
      p.feed(std::string_view(&c, 1));
    }
    e = p.next();
    ASSERT_EQ(e.kind, Event::Kind::kMessage) << n;
    EXPECT_EQ(e.payload.size(), n);
  }
}

TEST(FrameParser, ReassemblesFragmentsWithAControlFrameInBetween) {
  FrameParser p(1024, 1024);
  p.feed(encode_client_frame(Opcode::kText, "hel", false));
  p.feed(encode_client_frame(Opcode::kPing, "p"));
  p.feed(encode_client_frame(Opcode::kContinuation, "lo", true));
  Event ping = p.next();
  EXPECT_EQ(ping.kind, Event::Kind::kPing);
  EXPECT_EQ(ping.payload, "p");
  Event msg = p.next();
  ASSERT_EQ(msg.kind, Event::Kind::kMessage);
  EXPECT_EQ(msg.payload, "hello");
  EXPECT_EQ(p.next().kind, Event::Kind::kNone);
}

TEST(FrameParser, RejectsProtocolViolationsWith1002) {
  std::string unmasked = encode_frame(Opcode::kText, "x");
  EXPECT_EQ(parse_one(unmasked).close_code, kCloseProtocolError);
  std::string rsv = encode_client_frame(Opcode::kText, "x");
  rsv[0] = static_cast<char>(rsv[0] | 0x40);
  EXPECT_EQ(parse_one(rsv).close_code, kCloseProtocolError);
  std::string bad_op = encode_client_frame(Opcode::kText, "x");
  bad_op[0] = static_cast<char>(0x83);
  EXPECT_EQ(parse_one(bad_op).close_code, kCloseProtocolError);
  EXPECT_EQ(parse_one(encode_client_frame(Opcode::kContinuation, "x")).close_code, kCloseProtocolError);
  EXPECT_EQ(parse_one(encode_client_frame(Opcode::kPing, "x", false)).close_code, kCloseProtocolError);
  EXPECT_EQ(parse_one(encode_client_frame(Opcode::kPing, std::string(126, 'x'))).close_code, kCloseProtocolError);
  FrameParser p(100, 100);
  p.feed(encode_client_frame(Opcode::kText, "a", false));
  p.feed(encode_client_frame(Opcode::kText, "b", true));
  Event e = p.next();
  EXPECT_EQ(e.kind, Event::Kind::kError);
  EXPECT_EQ(e.close_code, kCloseProtocolError);
  EXPECT_EQ(p.next().kind, Event::Kind::kNone);  // stays failed
}

TEST(FrameParser, TooLargeFramesAndMessagesClose1009) {
  EXPECT_EQ(parse_one(encode_client_frame(Opcode::kText, std::string(101, 'x')), 100).close_code, kCloseTooBig);
  FrameParser p(100, 150);
  p.feed(encode_client_frame(Opcode::kText, std::string(100, 'x'), false));
  p.feed(encode_client_frame(Opcode::kContinuation, std::string(100, 'x'), true));
  EXPECT_EQ(p.next().close_code, kCloseTooBig);
}

TEST(FrameParser, CloseFramesCarryCodeAndReason) {
  std::string payload =
      "\x03\xe8"
      "bye";
  Event e = parse_one(encode_client_frame(Opcode::kClose, payload));
  ASSERT_EQ(e.kind, Event::Kind::kClose);
  EXPECT_EQ(e.close_code, 1000);
  EXPECT_EQ(e.payload, "bye");
  EXPECT_EQ(parse_one(encode_client_frame(Opcode::kClose, "")).close_code, kCloseNoStatus);
  EXPECT_EQ(parse_one(encode_client_frame(Opcode::kClose, "x")).kind, Event::Kind::kError);
  EXPECT_EQ(parse_one(encode_client_frame(Opcode::kClose, std::string("\x03\xed", 2))).close_code,
            kCloseProtocolError);  // 1005 may not be sent
}

TEST(FrameParser, TextMustBeUtf8) {
  EXPECT_EQ(parse_one(encode_client_frame(Opcode::kText, "\xff")).close_code, kCloseInvalidPayload);
  EXPECT_EQ(parse_one(encode_client_frame(Opcode::kText, "h\xc3\xa9")).kind, Event::Kind::kMessage);
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(valid_utf8("\xc0\x80"));      // overlong
  EXPECT_FALSE(valid_utf8("\xe2\x82"));      // truncated
  EXPECT_TRUE(valid_utf8("\xf0\x9f\x98\x80"));
}

TEST(FrameEncoder, ServerFramesAreUnmaskedWithMinimalLengths) {
  EXPECT_EQ(encode_frame(Opcode::kText, "hi"), std::string("\x81\x02hi"));
  EXPECT_EQ(encode_frame(Opcode::kText, std::string(200, 'a')).substr(0, 4), std::string("\x81\x7e\x00\xc8", 4));
  EXPECT_EQ(encode_frame(Opcode::kBinary, std::string(70000, 'a')).size(), 70010u);
  EXPECT_EQ(encode_close(4100, "slow"), std::string("\x88\x06\x10\x04slow", 8));
}

}  // namespace headroom::pusher::ws
