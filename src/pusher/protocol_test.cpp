#include "pusher/protocol.hpp"

#include <gtest/gtest.h>

namespace headroom::pusher {

TEST(Protocol, ParsesSubscribeWithObjectOrStringData) {
  auto m = parse_client_message(R"({"event":"pusher:subscribe","data":{"channel":"private-a","auth":"k:s"}})");
  ASSERT_TRUE(m);
  auto s = parse_subscribe(m->data);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->channel, "private-a");
  EXPECT_EQ(s->auth, "k:s");
  EXPECT_FALSE(s->since);
  auto str = parse_client_message(R"({"event":"pusher:subscribe","data":"{\"channel\":\"x\",\"since\":7}"})");
  ASSERT_TRUE(str);
  auto s2 = parse_subscribe(str->data);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->channel, "x");
  EXPECT_EQ(s2->since.value_or(0), 7u);
}

TEST(Protocol, RejectsMalformedMessages) {
  EXPECT_FALSE(parse_client_message("not json"));
  EXPECT_FALSE(parse_client_message("[1,2]"));
  EXPECT_FALSE(parse_client_message(R"({"data":{}})"));
  EXPECT_FALSE(parse_client_message(R"({"event":5})"));
  EXPECT_FALSE(parse_client_message(R"({"event":"x","channel":5})"));
  auto m = parse_client_message(R"({"event":"pusher:subscribe","data":{}})");
  ASSERT_TRUE(m);
  EXPECT_FALSE(parse_subscribe(m->data));
  auto neg = parse_client_message(R"({"event":"pusher:subscribe","data":{"channel":"a","since":-1}})");
  EXPECT_FALSE(parse_subscribe(neg->data));
}

TEST(Protocol, ClientEventDataIsForwardedAsSent) {
  auto m = parse_client_message(R"({"event":"client-x","channel":"private-a","data":{"k":[1,2]}})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->data_text, R"({"k":[1,2]})");
}

TEST(Protocol, ParsesPresenceAndUserData) {
  auto p = parse_presence_data(R"({"user_id":"u1","user_info":{"name":"A","tier":"vip"}})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->id, "u1");
  EXPECT_EQ(p->tier, "vip");
  EXPECT_EQ(p->info_json, R"({"name":"A","tier":"vip"})");
  EXPECT_EQ(parse_presence_data(R"({"user_id":42})")->id, "42");
  EXPECT_FALSE(parse_presence_data(R"({"user_info":{}})"));
  EXPECT_FALSE(parse_presence_data(R"({"user_id":""})"));
  EXPECT_EQ(parse_user_data(R"({"id":"7"})")->id, "7");
}

TEST(Protocol, BuildsServerMessages) {
  EXPECT_EQ(server_message_str("ev", "ch", "{\"a\":1}"), R"({"event":"ev","channel":"ch","data":"{\"a\":1}"})");
  EXPECT_EQ(server_message("client-x", "presence-a", "{}", "u"),
            R"({"event":"client-x","channel":"presence-a","data":{},"user_id":"u"})");
  EXPECT_EQ(with_offset(R"({"event":"e"})", 5), R"({"event":"e","offset":5})");
  EXPECT_EQ(connection_established("1.2", 120),
            R"({"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":120}"})");
  EXPECT_EQ(error_message(4301, "slow"), R"({"event":"pusher:error","data":{"message":"slow","code":4301}})");
}

TEST(Protocol, SocketIdsLookLikePushers) {
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(valid_socket_id(make_socket_id()));
  EXPECT_FALSE(valid_socket_id("1."));
  EXPECT_FALSE(valid_socket_id(".1"));
  EXPECT_FALSE(valid_socket_id("1.a"));
  EXPECT_FALSE(valid_socket_id("12"));
}

}  // namespace headroom::pusher
