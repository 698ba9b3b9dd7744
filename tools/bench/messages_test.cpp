#include "messages.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace headroom::bench {

TEST(Messages, MarkersFoundInTextAndAcrossChunkBoundaries) {
  std::vector<int64_t> seen;
  for_each_marker(R"({"event":"e","data":"bts=123;seq=1;bbts=456;bts=9")", [&](int64_t v) { seen.push_back(v); });
  EXPECT_EQ(seen, (std::vector<int64_t>{123, 456}));
  seen.clear();
  MarkerScanner s;
  std::string stream = "MSG a 1 9\r\nbts=77;\r\nMSG a 1 10\r\nbts=880;\r\n";
  for (char c : stream) s.feed(std::string_view(&c, 1), [&](int64_t v) { seen.push_back(v); });
  EXPECT_EQ(seen, (std::vector<int64_t>{77, 880}));
}

TEST(Messages, PusherEventNameAndFullParse) {
  std::string text =
      R"({"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":120}"})";
  EXPECT_EQ(pusher_event_name(text), "pusher:connection_established");
  EXPECT_EQ(pusher_event_name(R"({ "event" : "x" })"), "x");
  auto m = parse_pusher_message(text);
  ASSERT_TRUE(m);
  EXPECT_EQ(json_string_field(m->data, "socket_id"), "1.2");
  auto obj = parse_pusher_message(R"({"event":"pusher:error","data":{"code":4001,"message":"no"}})");
  ASSERT_TRUE(obj);
  EXPECT_EQ(json_string_field(obj->data, "code"), "4001");
  EXPECT_FALSE(parse_pusher_message("not json"));
  EXPECT_EQ(json_quote("a\"b"), R"("a\"b")");
}

}  // namespace headroom::bench
