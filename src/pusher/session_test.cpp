#include "pusher/session.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "core/crypto.hpp"
#include "core/manual_executor.hpp"
#include "http/message.hpp"
#include "pusher/auth.hpp"
#include "pusher/test_transport.hpp"
#include "pusher/ws_frame.hpp"

namespace headroom::pusher {
namespace {

using testing::FakeTransport;

constexpr int kRate = 20;

struct Fixture : ::testing::Test {
  Fixture() {
    app.id = "app";
    app.key = "key";
    app.secret = "secret";
    app.max_presence_members = 2;
    app.max_client_events_per_sec = 2;
    config.apps.push_back(app);
    config.websocket.max_channels_per_connection = 3;
    config.websocket.max_messages_per_second = kRate;  // a burst of 2 × kRate messages
    config.channels.history.push_back({"chat-", 10, 60});
    config.apps[0].collections["news"].read = "public";
    config.apps[0].collections["notes"].read = "authenticated";
    config.apps[0].collections["diary"].read = "owner";
    backends = std::make_unique<InMemoryChannelBackends>(config, clock, changes);
    hub = std::make_unique<Hub>(config, clock, stats, backends->refs(), nullptr);
    auto ex = std::make_unique<ManualExecutor>(clock);
    executor = ex.get();
    loop = &hub->fanout().loop_for(this, [&] { return std::move(ex); });
  }
  std::unique_ptr<Session> connect(FakeTransport& t, const std::string& socket_id) {
    auto s = std::make_unique<Session>(*hub, *loop, config.apps[0], t, socket_id);
    s->start();
    return s;
  }
  void subscribe(Session& s, const std::string& channel, const std::string& channel_data = "") {
    std::string auth = sign_channel(config.apps[0], s.socket_id(), channel, channel_data);
    std::string msg = R"({"event":"pusher:subscribe","data":{"channel":")" + channel + R"(","auth":")" + auth + "\"";
    if (!channel_data.empty()) msg += ",\"channel_data\":" + pusher::quoted(channel_data);
    s.on_text(msg + "}}");
  }
  FakeClock clock;
  metrics::Registry registry;
  Stats stats{registry};
  storage::ChangeBus changes;
  std::unique_ptr<InMemoryChannelBackends> backends;
  config::Config config;
  config::AppConfig app;
  std::unique_ptr<Hub> hub;
  ManualExecutor* executor = nullptr;
  Loop* loop = nullptr;
};

}  // namespace

TEST_F(Fixture, ConnectionEstablishedThenPingPong) {
  FakeTransport t;
  auto s = connect(t, "1.1");
  ASSERT_EQ(t.sent.size(), 1u);
  EXPECT_NE(t.sent[0].find("pusher:connection_established"), std::string::npos);
  s->on_text(R"({"event":"pusher:ping","data":{}})");
  EXPECT_TRUE(t.saw("pusher:pong"));
  s->on_text("{oops");
  EXPECT_TRUE(t.saw("pusher:error"));
  EXPECT_EQ(t.closed_code, 0);
}

TEST_F(Fixture, PublicSubscribeAndPublishSharesOneFrame) {
  FakeTransport a, b;
  auto sa = connect(a, "1.1");
  auto sb = connect(b, "1.2");
  sa->on_text(R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
  sb->on_text(R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
  EXPECT_TRUE(a.saw("subscription_succeeded"));
  hub->fanout().publish(config.apps[0], "news", server_message_str("ev", "news", "x"), "1.2");
  executor->run_due();
  EXPECT_TRUE(a.saw(R"("event":"ev")"));
  EXPECT_FALSE(b.saw(R"("event":"ev")"));
  EXPECT_EQ(backends->state.info("app", "news").subscription_count, 2);
  sa.reset();  // closing leaves the channel
  EXPECT_EQ(backends->state.info("app", "news").subscription_count, 1);
}

TEST_F(Fixture, PrivateChannelsNeedTheRightSignature) {
  FakeTransport t;
  auto s = connect(t, "1.1");
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"private-x","auth":"key:bad"}})");
  EXPECT_TRUE(t.saw(R"("status":401)"));
  subscribe(*s, "private-x");
  EXPECT_TRUE(t.saw(R"(subscription_succeeded","channel":"private-x")"));
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"#server-to-user-1"}})");
  EXPECT_TRUE(t.saw(R"("status":403)"));
}

TEST_F(Fixture, ChannelLimitAnswers429) {
  FakeTransport t;
  auto s = connect(t, "1.1");
  for (const char* c : {"a", "b", "c", "d"}) {
    s->on_text(std::string(R"({"event":"pusher:subscribe","data":{"channel":")") + c + "\"}}");
  }
  EXPECT_EQ(s->subscription_count(), 3u);
  EXPECT_TRUE(t.saw(R"("status":429)"));
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"bad name"}})");
  EXPECT_TRUE(t.saw(R"("status":400)"));
}

TEST_F(Fixture, PresenceMembersAndLimit) {
  FakeTransport a, b, c;
  auto sa = connect(a, "1.1");
  auto sb = connect(b, "1.2");
  auto sc = connect(c, "1.3");
  subscribe(*sa, "presence-r", R"({"user_id":"a","user_info":{"n":1}})");
  subscribe(*sb, "presence-r", R"({"user_id":"b"})");
  executor->run_due();
  EXPECT_TRUE(a.saw(R"(member_added","channel":"presence-r","data":"{\"user_id\":\"b\",\"user_info\":null}")"));
  EXPECT_TRUE(b.saw(R"(\"ids\":[\"a\",\"b\"])"));
  subscribe(*sc, "presence-r", R"({"user_id":"c"})");
  EXPECT_TRUE(c.saw(R"("status":429)"));
  sb.reset();
  executor->run_due();
  EXPECT_TRUE(a.saw("member_removed"));
}

TEST_F(Fixture, FailedChannelAuthGoesToTheSecuritySink) {
  std::vector<std::string> seen;
  hub->set_security_sink([&](const http::Request& req, std::string_view signal) {
    seen.push_back(req.remote_ip + "|" + std::string(req.header("x-forwarded-for")) + "|" + std::string(signal));
  });
  FakeTransport a;
  auto sa = connect(a, "1.1");
  sa->set_client("203.0.113.4", "198.51.100.1");
  sa->on_text(R"({"event":"pusher:subscribe","data":{"channel":"private-c","auth":"key:0000"}})");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "203.0.113.4|198.51.100.1|bad_signature");
  subscribe(*sa, "private-d");  // a good signature reports nothing
  EXPECT_EQ(seen.size(), 1u);
}

TEST_F(Fixture, ClientEventsRules) {
  FakeTransport a, b;
  auto sa = connect(a, "1.1");
  auto sb = connect(b, "1.2");
  sa->on_text(R"({"event":"client-x","channel":"private-c","data":{}})");
  EXPECT_TRUE(a.saw("not subscribed"));
  sa->on_text(R"({"event":"pusher:subscribe","data":{"channel":"pub"}})");
  sa->on_text(R"({"event":"client-x","channel":"pub","data":{}})");
  EXPECT_TRUE(a.saw("only allowed on private and presence"));
  subscribe(*sa, "private-c");
  subscribe(*sb, "private-c");
  for (int i = 0; i < 3; ++i) sa->on_text(R"({"event":"client-x","channel":"private-c","data":{"i":1}})");
  executor->run_due();
  EXPECT_TRUE(b.saw(R"({"event":"client-x","channel":"private-c","data":{"i":1}})"));
  EXPECT_FALSE(a.saw(R"("event":"client-x")"));
  EXPECT_TRUE(a.saw("4301"));
  EXPECT_EQ(stats.client_events_rate_limited.value(), 1u);
  clock.advance(std::chrono::seconds(1));
  a.sent.clear();
  sa->on_text(R"({"event":"client-x","channel":"private-c","data":{}})");
  EXPECT_FALSE(a.saw("4301"));
}

TEST_F(Fixture, SigninCountsVipSessionsAndBadSigninCloses4009) {
  FakeTransport t, bad;
  auto s = connect(t, "1.1");
  const std::string user = R"({"id":"u1","user_info":{"tier":"vip"}})";
  const std::string auth = "key:" + crypto::hmac_sha256_hex("secret", "1.1::user::" + user);
  s->on_text(R"({"event":"pusher:signin","data":{"auth":")" + auth + R"(","user_data":)" + pusher::quoted(user) + "}}");
  EXPECT_TRUE(t.saw("pusher:signin_success"));
  EXPECT_EQ(stats.vip_sessions.value(), 1);
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"#server-to-user-u1"}})");
  EXPECT_TRUE(t.saw(R"(subscription_succeeded","channel":"#server-to-user-u1")"));
  hub->terminate_user("app", "u1");
  executor->run_due();
  EXPECT_EQ(t.closed_code, 4009);
  s.reset();
  EXPECT_EQ(stats.vip_sessions.value(), 0);
  auto sb = connect(bad, "1.2");
  sb->on_text(R"({"event":"pusher:signin","data":{"auth":"key:00","user_data":"{\"id\":\"x\"}"}})");
  EXPECT_EQ(bad.closed_code, 4009);
}

TEST_F(Fixture, RecoveryReplaysMissedEventsOrFails) {
  for (int i = 0; i < 3; ++i)
    hub->fanout().publish(config.apps[0], "chat-1", server_message_str("m", "chat-1", std::to_string(i)));
  FakeTransport t;
  auto s = connect(t, "1.1");
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"chat-1","since":1}})");
  ASSERT_GE(t.sent.size(), 4u);
  EXPECT_NE(t.sent[2].find(R"("offset":2)"), std::string::npos);
  EXPECT_NE(t.sent[3].find(R"("offset":3)"), std::string::npos);
  executor->run_due();  // the live deliveries of 1..3 were queued: not delivered twice
  EXPECT_EQ(t.sent.size(), 4u);
  hub->fanout().publish(config.apps[0], "chat-1", server_message_str("m", "chat-1", "x"));
  executor->run_due();
  EXPECT_NE(t.sent.back().find(R"("offset":4)"), std::string::npos);
  FakeTransport u;
  auto s2 = connect(u, "1.2");
  s2->on_text(R"({"event":"pusher:subscribe","data":{"channel":"chat-1","since":99}})");
  EXPECT_TRUE(u.saw("headroom:recovery_failed"));
}

TEST_F(Fixture, CacheChannelsSendLastEventOrCacheMiss) {
  FakeTransport a, b;
  auto sa = connect(a, "1.1");
  sa->on_text(R"({"event":"pusher:subscribe","data":{"channel":"cache-x"}})");
  EXPECT_TRUE(a.saw(R"({"event":"pusher:cache_miss","channel":"cache-x"})"));
  hub->fanout().publish(config.apps[0], "cache-x", server_message_str("e", "cache-x", "last"));
  auto sb = connect(b, "1.2");
  sb->on_text(R"({"event":"pusher:subscribe","data":{"channel":"cache-x"}})");
  EXPECT_TRUE(b.saw(R"("data":"last")"));
}

TEST_F(Fixture, DocumentChangeFeedsFollowTheReadRule) {
  FakeTransport t;
  auto s = connect(t, "1.1");
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news"}})");
  EXPECT_TRUE(t.saw(R"(subscription_succeeded","channel":"db-news")"));
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-notes"}})");
  subscribe(*s, "private-db-notes");  // signed by the backend, but nobody signed in
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-diary"}})");
  EXPECT_EQ(s->subscription_count(), 1u);
  EXPECT_TRUE(t.saw(R"(pusher:subscription_error","channel":"db-diary")"));
  hub->fanout().publish_document_change({"app", "news", 7, storage::ChangeKind::kAdded, "d1", R"({"_id":"d1"})"});
  hub->fanout().publish_document_change(
      {"app", "news", 7, storage::ChangeKind::kAdded, "d1", R"({"_id":"d1"})"});  // duplicate seq
  executor->run_due();
  int added = 0;
  for (const auto& m : t.sent) added += m.find("headroom:added") != std::string::npos;
  EXPECT_EQ(added, 1);
  EXPECT_TRUE(t.saw(R"("data":"{\"id\":\"d1\",\"seq\":7,\"doc\":{\"_id\":\"d1\"}}")"));
}

// A change log whose reads the test completes by hand (as a store thread would).
struct FakeChangeLog {
  struct Call {
    std::string app, collection;
    int64_t after = 0;
    int limit = 0;
    storage::ChangeBus::ReadDone done;
  };
  storage::ChangeBus::LogReader reader() {
    return [this](const std::string& app, const std::string& col, int64_t after, int limit, auto done) {
      calls.push_back({app, col, after, limit, std::move(done)});
    };
  }
  std::vector<Call> calls;
};

std::vector<storage::Change> logged(std::initializer_list<int64_t> seqs) {
  std::vector<storage::Change> out;
  for (int64_t s : seqs) {
    out.push_back({"app", "news", s, storage::ChangeKind::kAdded, "d" + std::to_string(s),
                   R"({"_id":"d)" + std::to_string(s) + "\"}"});
  }
  return out;
}

std::vector<int64_t> seqs_sent(const FakeTransport& t) {
  std::vector<int64_t> out;
  for (const auto& m : t.sent) {
    auto at = m.find(R"(\"seq\":)");
    if (at != std::string::npos) out.push_back(std::stoll(m.substr(at + 8)));
  }
  return out;
}

TEST_F(Fixture, ChangeFeedResumeReplaysTheLogBeforeLiveChanges) {
  FakeChangeLog log;
  changes.set_log(log.reader());
  FakeTransport t;
  auto s = connect(t, "1.1");
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news","since":3}})");
  EXPECT_TRUE(t.saw(R"(subscription_succeeded","channel":"db-news")"));
  ASSERT_EQ(log.calls.size(), 1u);
  EXPECT_EQ(log.calls[0].collection, "news");
  EXPECT_EQ(log.calls[0].after, 3);
  EXPECT_EQ(log.calls[0].limit, kMaxFeedReplay + 1);
  hub->fanout().publish_document_change(
      {"app", "news", 5, storage::ChangeKind::kModified, "d5", R"({"_id":"d5"})"});  // live during the read
  hub->fanout().publish_document_change({"app", "news", 6, storage::ChangeKind::kRemoved, "d6", R"({"_id":"d6"})"});
  executor->run_due();
  EXPECT_TRUE(seqs_sent(t).empty());  // held back until the replay is out
  log.calls[0].done(logged({4, 5}));
  EXPECT_TRUE(seqs_sent(t).empty());  // the result is posted to the loop
  executor->run_due();
  EXPECT_EQ(seqs_sent(t), (std::vector<int64_t>{4, 5, 6}));  // 5 once, not twice
  EXPECT_TRUE(t.saw("headroom:removed"));
  hub->fanout().publish_document_change({"app", "news", 7, storage::ChangeKind::kAdded, "d7", R"({"_id":"d7"})"});
  executor->run_due();
  EXPECT_EQ(seqs_sent(t), (std::vector<int64_t>{4, 5, 6, 7}));
  EXPECT_FALSE(t.saw("recovery_failed"));
  EXPECT_EQ(log.calls.size(), 1u);  // the log held since+1: no second read
}

TEST_F(Fixture, ChangeFeedResumeChecksTheLogStillHoldsTheNextSeq) {
  FakeChangeLog log;
  changes.set_log(log.reader());
  FakeTransport t, u;
  auto s = connect(t, "1.1");
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news","since":2}})");
  log.calls[0].done(logged({9}));  // the collection's next change is 9: were 3..8 trimmed?
  executor->run_due();
  ASSERT_EQ(log.calls.size(), 2u);
  EXPECT_EQ(log.calls[1].collection, "");
  EXPECT_EQ(log.calls[1].after, 1);
  log.calls[1].done(logged({5}));  // the app-wide log starts at 5: 3 is gone
  executor->run_due();
  EXPECT_TRUE(t.saw(
      R"(headroom:recovery_failed","channel":"db-news","data":{"since":2,"reason":"the change log no longer holds seq 3)"));
  EXPECT_TRUE(seqs_sent(t).empty());
  hub->fanout().publish_document_change(
      {"app", "news", 10, storage::ChangeKind::kAdded, "d10", "{}"});  // live again after the failure
  executor->run_due();
  EXPECT_EQ(seqs_sent(t), (std::vector<int64_t>{10}));

  auto s2 = connect(u, "1.2");  // 3 is there, in another collection: the replay goes ahead
  s2->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news","since":2}})");
  log.calls[2].done(logged({9}));
  executor->run_due();
  log.calls[3].done(logged({3}));
  executor->run_due();
  EXPECT_EQ(seqs_sent(u), (std::vector<int64_t>{9}));
  EXPECT_FALSE(u.saw("recovery_failed"));

  FakeTransport v, w;  // nothing after since: caught up, or since is beyond the log
  auto s3 = connect(v, "1.3");
  s3->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news","since":10}})");
  log.calls[4].done(logged({}));
  executor->run_due();
  log.calls[5].done(logged({10}));
  executor->run_due();
  EXPECT_FALSE(v.saw("recovery_failed"));
  auto s4 = connect(w, "1.4");
  s4->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news","since":99}})");
  log.calls[6].done(logged({}));
  executor->run_due();
  log.calls[7].done(logged({}));
  executor->run_due();
  EXPECT_TRUE(w.saw("seq 99 is beyond the change log's last seq"));
}

TEST_F(Fixture, ChangeFeedResumeFailsWhenTooFarBehindOrWithoutALog) {
  FakeTransport a, b, c;
  auto none = connect(a, "1.1");
  none->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news","since":0}})");
  EXPECT_TRUE(a.saw("the change log is not available"));
  FakeChangeLog log;
  changes.set_log(log.reader());
  auto s = connect(b, "1.2");
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news","since":0}})");
  std::vector<storage::Change> many;
  for (int64_t i = 1; i <= kMaxFeedReplay + 1; ++i)
    many.push_back({"app", "news", i, storage::ChangeKind::kAdded, "d", "{}"});
  log.calls[0].done(std::move(many));
  executor->run_due();
  EXPECT_TRUE(b.saw(R"("reason":"too far behind: more than 10000 changes since 0")"));
  EXPECT_TRUE(seqs_sent(b).empty());
  auto e = connect(c, "1.3");
  e->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news","since":0}})");
  log.calls[1].done(Status(Code::kUnavailable, "store closed"));
  executor->run_due();
  EXPECT_TRUE(c.saw("the change log could not be read: store closed"));
}

TEST_F(Fixture, ChangeFeedResumeAfterUnsubscribeOrCloseIsDropped) {
  FakeChangeLog log;
  changes.set_log(log.reader());
  FakeTransport t, u;
  auto s = connect(t, "1.1");
  s->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news","since":1}})");
  s->on_text(R"({"event":"pusher:unsubscribe","data":{"channel":"db-news"}})");
  log.calls[0].done(logged({2}));
  executor->run_due();
  EXPECT_TRUE(seqs_sent(t).empty());
  auto s2 = std::make_unique<Session>(*hub, *loop, config.apps[0], u, "1.2");
  s2->start();
  s2->on_text(R"({"event":"pusher:subscribe","data":{"channel":"db-news","since":1}})");
  s2.reset();  // the connection went away while the log was read
  log.calls[1].done(logged({2}));
  executor->run_due();  // nothing to deliver to, no crash
  EXPECT_TRUE(seqs_sent(u).empty());
}

TEST_F(Fixture, VipOnlySlotsNeedAVipSignin) {
  FakeTransport t;
  auto s = connect(t, "1.1");
  s->set_vip_only();
  const std::string user = R"({"id":"u2"})";
  const std::string auth = "key:" + crypto::hmac_sha256_hex("secret", "1.1::user::" + user);
  s->on_text(R"({"event":"pusher:signin","data":{"auth":")" + auth + R"(","user_data":)" + pusher::quoted(user) + "}}");
  EXPECT_EQ(t.closed_code, 4100);
}

TEST_F(Fixture, AdmissionKeepsTheLastSlotsForVips) {
  config.websocket.max_connections = 40;
  config.websocket.vip_reserved_connections = 2;
  for (int i = 0; i < 38; ++i) EXPECT_EQ(hub->admission().admit(config.apps[0]), ConnectionAdmission::Result::kOk);
  EXPECT_EQ(hub->admission().admit(config.apps[0]), ConnectionAdmission::Result::kVipOnly);
  EXPECT_EQ(hub->admission().admit(config.apps[0]), ConnectionAdmission::Result::kVipOnly);
  EXPECT_EQ(hub->admission().admit(config.apps[0]), ConnectionAdmission::Result::kInstanceFull);
  hub->admission().release(config.apps[0]);
  EXPECT_EQ(hub->admission().connections(), 39);
}

TEST_F(Fixture, OnePublishReachesEveryLoopWithTheSameFrameAndDrainClosesAll) {
  int other_identity = 0;
  auto ex2 = std::make_unique<ManualExecutor>(clock);
  ManualExecutor* executor2 = ex2.get();
  Loop& loop2 = hub->fanout().loop_for(&other_identity, [&] { return std::move(ex2); });
  ASSERT_NE(&loop2, loop);
  FakeTransport a, b;
  auto sa = connect(a, "1.1");
  auto sb = std::make_unique<Session>(*hub, loop2, config.apps[0], b, "1.2");
  sb->start();
  sa->on_text(R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
  sb->on_text(R"({"event":"pusher:subscribe","data":{"channel":"news"}})");
  hub->fanout().publish(config.apps[0], "news", server_message_str("ev", "news", "x"));
  EXPECT_FALSE(b.saw(R"("event":"ev")"));  // delivered by loop 2's own thread, not the publisher's
  executor->run_due();
  executor2->run_due();
  EXPECT_TRUE(a.saw(R"("event":"ev")"));
  EXPECT_TRUE(b.saw(R"("event":"ev")"));
  hub->close_all(kErrorReconnect, "drain");
  executor->run_due();
  executor2->run_due();
  EXPECT_EQ(a.closed_code, kErrorReconnect);
  EXPECT_EQ(b.closed_code, kErrorReconnect);
}

namespace {

std::string subscribe_private(const config::AppConfig& signer, Session& s, const std::string& channel) {
  const std::string auth = sign_channel(signer, s.socket_id(), channel, "");
  return R"({"event":"pusher:subscribe","data":{"channel":")" + channel + R"(","auth":")" + auth + "\"}}";
}

}  // namespace

// SIGHUP (docs/operations.md): removed apps' connections close with 4001, disabled ones with 4003;
// the others stay open and check against the new key/secret/flags.
TEST_F(Fixture, ReloadClosesRemovedAndDisabledAppsAndKeepsTheOthersOnTheNewConfig) {
  config::Config next;  // outlives the sessions that point into it, as the server keeps loaded configs
  config::AppConfig gone = app, off = app;
  gone.id = "gone";
  gone.key = "gone-key";
  off.id = "off";
  off.key = "off-key";
  config.apps.push_back(gone);
  config.apps.push_back(off);
  FakeTransport ta, tg, to;
  auto sa = connect(ta, "1.1");
  Session sg(*hub, *loop, config.apps[1], tg, "1.2");
  Session so(*hub, *loop, config.apps[2], to, "1.3");
  sg.start();
  so.start();
  next = config;
  next.apps = {config.apps[0], config.apps[2]};
  next.apps[0].secret = "rotated";
  next.apps[0].enable_client_messages = false;
  next.apps[1].enabled = false;
  hub->reload(next);
  EXPECT_EQ(ta.closed_code, 0);  // applied on the loop, not in the caller's thread
  executor->run_due();
  EXPECT_EQ(ta.closed_code, 0);
  EXPECT_EQ(tg.closed_code, kErrorAppUnknown);
  EXPECT_EQ(to.closed_code, kErrorAppDisabled);
  EXPECT_EQ(&sa->app(), &next.apps[0]);
  EXPECT_EQ(hub->config().app_by_key("key")->secret, "rotated");
  EXPECT_EQ(hub->config().app_by_key("gone-key"), nullptr);
  sa->on_text(subscribe_private(config.apps[0], *sa, "private-old"));  // signed with the old secret
  EXPECT_FALSE(ta.saw("subscription_succeeded"));
  sa->on_text(subscribe_private(next.apps[0], *sa, "private-new"));
  EXPECT_TRUE(ta.saw(R"("channel":"private-new")"));
  EXPECT_TRUE(ta.saw("subscription_succeeded"));
  sa->on_text(R"({"event":"client-x","channel":"private-new","data":{}})");
  EXPECT_TRUE(ta.saw("client events are disabled"));
}

TEST_F(Fixture, ReloadAppliesTheAppsClientEventLimitToOpenConnections) {
  config::Config next;  // outlives the sessions that point into it
  FakeTransport a, b;
  auto sa = connect(a, "1.1");
  auto sb = connect(b, "1.2");
  subscribe(*sa, "private-c");
  subscribe(*sb, "private-c");
  for (int i = 0; i < 2; ++i) sa->on_text(R"({"event":"client-x","channel":"private-c","data":{}})");
  EXPECT_FALSE(a.saw("4301"));  // 2 per second (the app's max_client_events_per_sec)
  next = config;
  next.apps[0].max_client_events_per_sec = 1;
  hub->reload(next);
  executor->run_due();
  clock.advance(std::chrono::seconds(1));
  for (int i = 0; i < 2; ++i) sa->on_text(R"({"event":"client-x","channel":"private-c","data":{}})");
  EXPECT_TRUE(a.saw("4301"));  // the second of this second is over the app's new limit of 1
  EXPECT_EQ(stats.client_events_rate_limited.value(), 1u);
}

// Issue 12: every inbound message spends the connection's message rate, not only client events.
struct Flood {
  std::string name;
  std::function<std::string(Session&)> message;  // the flooded message, for this session
  InboundKind kind;
};

class FloodTest : public Fixture, public ::testing::WithParamInterface<int> {};

std::vector<Flood> floods() {
  const std::string user = R"({"id":"u1"})";
  return {
      {"pusher_ping", [](Session&) { return std::string(R"({"event":"pusher:ping","data":{}})"); },
       InboundKind::kPusherPing},
      {"subscribe", [](Session&) { return std::string(R"({"event":"pusher:subscribe","data":{"channel":"a"}})"); },
       InboundKind::kSubscribe},
      {"unsubscribe", [](Session&) { return std::string(R"({"event":"pusher:unsubscribe","data":{"channel":"a"}})"); },
       InboundKind::kUnsubscribe},
      {"signin",
       [user](Session& s) {
         const std::string auth = "key:" + crypto::hmac_sha256_hex("secret", s.socket_id() + "::user::" + user);
         return R"({"event":"pusher:signin","data":{"auth":")" + auth + R"(","user_data":)" + pusher::quoted(user) +
                "}}";
       },
       InboundKind::kSignin},
      {"client_event", [](Session&) { return std::string(R"({"event":"client-x","channel":"private-c","data":{}})"); },
       InboundKind::kClientEvent},
      {"malformed", [](Session&) { return std::string("{not json"); }, InboundKind::kMalformed},
      {"other", [](Session&) { return std::string(R"({"event":"pusher:pong","data":{}})"); }, InboundKind::kOther},
  };
}

TEST_P(FloodTest, OverTheMessageRateAnswers4100ClosesAndCountsTheKind) {
  const Flood flood = floods()[static_cast<size_t>(GetParam())];
  SCOPED_TRACE(flood.name);
  FakeTransport t;
  auto s = connect(t, "1.1");
  const std::string text = flood.message(*s);
  for (int i = 0; i < 2 * kRate; ++i) s->on_text(text);  // the burst: two seconds' worth
  EXPECT_EQ(t.closed_code, 0);
  EXPECT_FALSE(t.saw("4100"));
  s->on_text(text);
  EXPECT_EQ(t.closed_code, kErrorOverCapacity);
  EXPECT_TRUE(t.saw(R"("code":4100)"));
  EXPECT_TRUE(t.saw("message rate limit (20 per second)"));
  EXPECT_EQ(stats.rate_limited(flood.kind).value(), 1u);
  // Later messages are dropped unanswered and counted once.
  const size_t sent = t.sent.size();
  clock.advance(std::chrono::seconds(10));
  s->on_text(text);
  EXPECT_FALSE(s->admit(InboundKind::kPingFrame));
  EXPECT_EQ(t.sent.size(), sent);
  EXPECT_EQ(stats.rate_limited(flood.kind).value(), 1u);
}

INSTANTIATE_TEST_SUITE_P(EveryMessageType, FloodTest, ::testing::Range(0, 7));

TEST_F(Fixture, ControlAndBinaryFramesSpendTheSameMessageRate) {
  for (InboundKind kind : {InboundKind::kPingFrame, InboundKind::kPongFrame, InboundKind::kBinary}) {
    FakeTransport t;
    auto s = connect(t, "1.1");
    for (int i = 0; i < kRate; ++i) EXPECT_TRUE(s->admit(kind));
    for (int i = 0; i < kRate - 1; ++i) s->on_text(R"({"event":"pusher:ping","data":{}})");  // one budget for all
    EXPECT_TRUE(s->admit(kind));
    EXPECT_FALSE(s->admit(kind));
    EXPECT_EQ(t.closed_code, kErrorOverCapacity);
    EXPECT_EQ(stats.rate_limited(kind).value(), 1u);
  }
  EXPECT_EQ(stats.rate_limited(InboundKind::kPusherPing).value(), 0u);
}

TEST_F(Fixture, TheMessageRateRefillsWithTheClockSoASteadyClientIsNeverClosed) {
  FakeTransport t;
  auto s = connect(t, "1.1");
  for (int second = 0; second < 30; ++second) {  // exactly the rate, for longer than the burst lasts
    for (int i = 0; i < kRate; ++i) s->on_text(R"({"event":"pusher:ping","data":{}})");
    clock.advance(std::chrono::seconds(1));
  }
  EXPECT_EQ(t.closed_code, 0);
  for (int i = 0; i < 2 * kRate; ++i) EXPECT_TRUE(s->admit(InboundKind::kPongFrame));  // a full burst again
  EXPECT_FALSE(s->admit(InboundKind::kPongFrame));
  EXPECT_EQ(t.closed_code, kErrorOverCapacity);
}

TEST_F(Fixture, ClientEventsKeepTheirOwnLimitAnd4301InsideTheMessageRate) {
  FakeTransport a, b;
  auto sa = connect(a, "1.1");
  auto sb = connect(b, "1.2");
  subscribe(*sa, "private-c");
  subscribe(*sb, "private-c");
  for (int i = 0; i < 2 * kRate - 1; ++i) sa->on_text(R"({"event":"client-x","channel":"private-c","data":{}})");
  EXPECT_EQ(a.closed_code, 0);  // 2 delivered, the rest answered 4301 (2 per second for this app)
  EXPECT_EQ(stats.client_events_rate_limited.value(), static_cast<uint64_t>(2 * kRate - 1 - 2));
  sa->on_text(R"({"event":"client-x","channel":"private-c","data":{}})");  // rejected events spend the rate too
  EXPECT_EQ(a.closed_code, kErrorOverCapacity);
  EXPECT_EQ(stats.rate_limited(InboundKind::kClientEvent).value(), 1u);
}

}  // namespace headroom::pusher
