#include "channels/directory.hpp"

#include <gtest/gtest.h>

namespace headroom::channels {

TEST(Directory, OccupiedAndVacatedAtFirstAndLastSubscription) {
  FakeClock clock;
  ChannelDirectory dir(clock);
  auto a = dir.join("app", "news", nullptr, 0);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->occupied);
  EXPECT_FALSE(dir.join("app", "news", nullptr, 0)->occupied);
  EXPECT_EQ(dir.info("app", "news").subscription_count, 2);
  EXPECT_EQ(dir.subscription_count(), 2);
  EXPECT_FALSE(dir.leave("app", "news", nullptr).vacated);
  EXPECT_TRUE(dir.leave("app", "news", nullptr).vacated);
  EXPECT_FALSE(dir.info("app", "news").occupied);
  EXPECT_EQ(dir.channel_count(), 0u);
  EXPECT_FALSE(dir.leave("app", "news", nullptr).vacated);  // extra leave is harmless
}

TEST(Directory, PresenceCountsOneMemberPerUserAcrossConnections) {
  FakeClock clock;
  ChannelDirectory dir(clock);
  Member alice{"alice", R"({"name":"A"})"};
  auto first = dir.join("app", "presence-room", &alice, 10);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->member_added);
  EXPECT_EQ(first->presence_json, R"({"presence":{"ids":["alice"],"hash":{"alice":{"name":"A"}},"count":1}})");
  auto second = dir.join("app", "presence-room", &alice, 10);
  EXPECT_FALSE(second->member_added);
  EXPECT_EQ(dir.info("app", "presence-room").user_count, 1);
  EXPECT_EQ(dir.info("app", "presence-room").subscription_count, 2);
  const std::string id = "alice";
  EXPECT_FALSE(dir.leave("app", "presence-room", &id).member_removed);
  auto last = dir.leave("app", "presence-room", &id);
  EXPECT_TRUE(last.member_removed);
  EXPECT_TRUE(last.vacated);
}

TEST(Directory, PresenceRejectsMembersPastTheLimit) {
  FakeClock clock;
  ChannelDirectory dir(clock);
  Member a{"a", "{}"}, b{"b", "{}"};
  ASSERT_TRUE(dir.join("app", "presence-x", &a, 1));
  auto full = dir.join("app", "presence-x", &b, 1);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.status().code(), Code::kResourceExhausted);
  EXPECT_TRUE(dir.join("app", "presence-x", &a, 1));  // same user again is fine
  EXPECT_EQ(dir.users("app", "presence-x"), std::vector<std::string>{"a"});
}

TEST(Directory, ListsByPrefixAndKeepsAppsApart) {
  FakeClock clock;
  ChannelDirectory dir(clock);
  ASSERT_TRUE(dir.join("app", "presence-a", nullptr, 0));
  ASSERT_TRUE(dir.join("app", "public-b", nullptr, 0));
  ASSERT_TRUE(dir.join("other", "presence-c", nullptr, 0));
  auto all = dir.list("app", "");
  ASSERT_EQ(all.size(), 2u);
  auto presence = dir.list("app", "presence-");
  ASSERT_EQ(presence.size(), 1u);
  EXPECT_EQ(presence[0].first, "presence-a");
}

TEST(Directory, CacheKeepsLastEventUntilTtl) {
  FakeClock clock;
  ChannelDirectory dir(clock, 1000);
  EXPECT_FALSE(dir.cached("app", "cache-x"));
  dir.set_cached("app", "cache-x", "one");
  dir.set_cached("app", "cache-x", "two");
  EXPECT_EQ(dir.cached("app", "cache-x").value_or(""), "two");
  clock.advance(std::chrono::milliseconds(999));
  EXPECT_EQ(dir.cached("app", "cache-x").value_or(""), "two") << "gone before its TTL";
  clock.advance(std::chrono::milliseconds(2));
  EXPECT_FALSE(dir.cached("app", "cache-x"));
}

}  // namespace headroom::channels
