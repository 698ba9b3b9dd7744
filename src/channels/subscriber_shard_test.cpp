#include "channels/subscriber_shard.hpp"

#include <gtest/gtest.h>

namespace headroom::channels {
namespace {

struct FakeSubscriber final : Subscriber {
  explicit FakeSubscriber(std::string id) : id(std::move(id)) {}
  const std::string& socket_id() const override { return id; }
  void deliver(const SharedFrame& frame, const Envelope&) override { got.push_back(frame); }
  std::string id;
  std::vector<SharedFrame> got;
};

}  // namespace

TEST(SubscriberShard, DeliversTheSameBytesToEverySubscriberButTheExcludedOne) {
  SubscriberShard shard;
  FakeSubscriber a("1.1"), b("1.2"), c("1.3");
  const auto key = SubscriberShard::key("app", "news");
  shard.add(key, &a);
  shard.add(key, &b);
  shard.add(key, &b);  // twice is once
  shard.add(SubscriberShard::key("app", "other"), &c);
  auto frame = std::make_shared<const std::string>("frame");
  Envelope env;
  env.exclude_socket_id = "1.2";
  EXPECT_EQ(shard.deliver(key, frame, env), 1u);
  ASSERT_EQ(a.got.size(), 1u);
  EXPECT_EQ(a.got[0].get(), frame.get());  // shared, not copied
  EXPECT_TRUE(b.got.empty());
  EXPECT_TRUE(c.got.empty());
  shard.remove(key, &a);
  shard.remove(key, &b);
  EXPECT_EQ(shard.subscribers(key), 0u);
  EXPECT_EQ(shard.channel_count(), 1u);
}

}  // namespace headroom::channels
