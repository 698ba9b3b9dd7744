// The channels module over backends that answer later (as Redis would) or refuse: subscriptions,
// presence, recovery and the HTTP API keep their promises when the answers are not immediate.
#include <gtest/gtest.h>

#include "core/manual_executor.hpp"
#include "pusher/auth.hpp"
#include "pusher/fake_backends.hpp"
#include "pusher/http_api.hpp"
#include "pusher/hub.hpp"
#include "pusher/session.hpp"
#include "pusher/test_transport.hpp"

namespace headroom::pusher {
namespace {

using RecordingTransport = testing::FakeTransport;

struct DeferredBackends : ::testing::Test {
  DeferredBackends() {
    config::AppConfig app;
    app.id = "app";
    app.key = "key";
    app.secret = "secret";
    config.apps.push_back(app);
    config.channels.history.push_back({"chat-", 10, 60});
    history = std::make_unique<testing::DeferredHistory>(config.channels.history, clock);
    hub =
        std::make_unique<Hub>(config, clock, stats, ChannelBackends{broker, state, *history, limits, changes}, nullptr);
    auto ex = std::make_unique<ManualExecutor>(clock);
    executor = ex.get();
    loop = &hub->fanout().loop_for(this, [&] { return std::move(ex); });
  }
  std::unique_ptr<Session> connect(RecordingTransport& t, const std::string& socket_id) {
    auto s = std::make_unique<Session>(*hub, *loop, config.apps[0], t, socket_id);
    s->start();
    return s;
  }
  void join_presence(Session& s, const std::string& user) {
    const std::string data = R"({"user_id":")" + user + R"("})";
    const std::string auth = sign_channel(config.apps[0], s.socket_id(), "presence-room", data);
    s.on_text(R"({"event":"pusher:subscribe","data":{"channel":"presence-room","auth":")" + auth +
              R"(","channel_data":)" + pusher::quoted(data) + "}}");
  }
  void answer() {
    for (int i = 0; i < 4; ++i) {  // answers may publish, publishes post to the loop, and so on
      state.answers.answer_all();
      history->answers.answer_all();
      executor->run_due();
    }
  }

  FakeClock clock;
  metrics::Registry registry;
  Stats stats{registry};
  config::Config config;
  testing::SwitchableBroker broker;
  testing::DeferredChannelState state{clock};
  std::unique_ptr<testing::DeferredHistory> history;
  ratelimit::MemoryLimiterStore limits{16};
  storage::ChangeBus changes;
  std::unique_ptr<Hub> hub;
  ManualExecutor* executor = nullptr;
  Loop* loop = nullptr;
};

TEST_F(DeferredBackends, ASubscriptionSucceedsOnlyWhenTheStateHasAnswered) {
  RecordingTransport t;
  auto s = connect(t, "1.1");
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
  EXPECT_EQ(t.count("subscription_succeeded"), 0);
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"news"}})");  // again, while pending
  hub->fanout().publish(config.apps[0], "news", server_message_str("ev", "news", "early"));
  executor->run_due();
  EXPECT_EQ(t.count("early"), 0);  // not in the shard before the join is known
  answer();
  EXPECT_EQ(t.count("subscription_succeeded"), 1);
  EXPECT_EQ(state.real().info("app", "news").subscription_count, 1);
  hub->fanout().publish(config.apps[0], "news", server_message_str("ev", "news", "later"));
  executor->run_due();
  EXPECT_EQ(t.count("later"), 1);
}

TEST_F(DeferredBackends, UnsubscribingOrClosingBeforeTheAnswerTakesTheJoinBackQuietly) {
  RecordingTransport watcher, t;
  auto w = connect(watcher, "1.1");
  join_presence(*w, "watcher");
  answer();
  auto s = connect(t, "1.2");
  join_presence(*s, "alice");
  s->on_text(R"({"event":"pusher:unsubscribe","data":{"channel":"presence-room"}})");
  answer();
  EXPECT_EQ(t.count("subscription_succeeded"), 0);
  EXPECT_EQ(state.real().info("app", "presence-room").user_count, 1);  // only the watcher
  EXPECT_EQ(state.real().info("app", "presence-room").subscription_count, 1);
  // The join was taken back before anyone was told: the watcher heard of neither.
  EXPECT_EQ(watcher.count("member_added"), 0);
  EXPECT_EQ(watcher.count("member_removed"), 0);

  RecordingTransport u;
  auto gone = connect(u, "1.3");
  join_presence(*gone, "bob");
  gone.reset();  // closed with the join in flight
  answer();
  EXPECT_EQ(state.real().info("app", "presence-room").user_count, 1);
  EXPECT_EQ(state.real().info("app", "presence-room").subscription_count, 1);
}

TEST_F(DeferredBackends, AStateThatCannotBeReachedRefusesTheSubscriptionWith503) {
  RecordingTransport t;
  auto s = connect(t, "1.1");
  state.fail_next(Status(Code::kUnavailable, "channel state unreachable"));
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
  answer();
  EXPECT_EQ(t.count(R"(subscription_error)"), 1);
  EXPECT_EQ(t.count(R"("status":503)"), 1);
  EXPECT_EQ(s->subscription_count(), 0u);
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"news"}})");  // a retry works
  answer();
  EXPECT_EQ(t.count("subscription_succeeded"), 1);
}

TEST_F(DeferredBackends, LiveEventsDuringAHistoryReadWaitAndFollowItInOrder) {
  for (int i = 1; i <= 3; ++i) {
    hub->fanout().publish(config.apps[0], "chat-1", server_message_str("m", "chat-1", "old" + std::to_string(i)));
  }
  RecordingTransport t;
  auto s = connect(t, "1.1");
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"chat-1","since":1}})");
  state.answers.answer_all();  // joined; the history read is still out
  hub->fanout().publish(config.apps[0], "chat-1", server_message_str("m", "chat-1", "live4"));
  executor->run_due();
  EXPECT_EQ(t.count("live4"), 0);  // held back
  answer();
  std::vector<std::string> order;
  for (const auto& m : t.sent) {
    for (const char* w : {"old2", "old3", "live4"}) {
      if (m.find(w) != std::string::npos) order.emplace_back(w);
    }
  }
  EXPECT_EQ(order, (std::vector<std::string>{"old2", "old3", "live4"}));
}

TEST_F(DeferredBackends, HttpChannelQueriesAnswerWhenTheStateDoes) {
  RecordingTransport t;
  auto s = connect(t, "1.1");
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
  answer();
  http::Request req;
  req.method = http::Method::kGet;
  req.path = "/apps/app/channels/news";
  req.query = sign_api_query(config.apps[0], "GET", req.path, "", clock.unix_ms() / 1000, {});
  req.params = {{"app_id", "app"}, {"channel_name", "news"}};
  std::optional<http::Response> res;
  handle_api_request(*hub, req, "channel", [&](http::Response r) { res = std::move(r); });
  EXPECT_FALSE(res);  // waiting for the state
  state.answers.answer_all();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find(R"("subscription_count":1)"), std::string::npos);
}

TEST_F(DeferredBackends, ABrokerThatRefusesMakesTheHttpPublish503AndIsCounted) {
  broker.refuse = channels::PublishResult::kUnavailable;
  http::Request req;
  req.method = http::Method::kPost;
  req.path = "/apps/app/events";
  req.body = R"({"name":"ev","channel":"news","data":"{}"})";
  req.query = sign_api_query(config.apps[0], "POST", req.path, req.body, clock.unix_ms() / 1000, {});
  req.params = {{"app_id", "app"}};
  http::Response res = handle_api_request_now(*hub, req, "events");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(stats.events_publish_failed.value(), 1);
}

}  // namespace
}  // namespace headroom::pusher
