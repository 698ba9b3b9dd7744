#include "pusher/keepalive.hpp"

#include <gtest/gtest.h>

#include "core/manual_executor.hpp"
#include "pusher/session.hpp"
#include "pusher/test_transport.hpp"

namespace headroom::pusher {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

using testing::FakeTransport;

// The connection's one timer, played by the ManualExecutor on the FakeClock, as WsConnection
// plays it with an Asio timer: armed for start(), re-armed for what each on_timer() returns.
struct KeepaliveFixture : ::testing::Test {
  KeepaliveFixture() {
    ws.activity_timeout_s = 10;
    ws.pong_timeout_s = 5;
  }
  void start() { arm(keepalive.start(ws)); }
  void arm(Clock::Duration wait) {
    ++armed;
    executor.post_after(std::chrono::ceil<milliseconds>(wait), [this] {
      if (auto next = keepalive.on_timer(ws)) arm(*next);
    });
  }
  FakeClock clock;
  ManualExecutor executor{clock};
  FakeTransport transport;
  config::WebSocketConfig ws;
  Keepalive keepalive{clock, transport};
  int armed = 0;
};

}  // namespace

TEST_F(KeepaliveFixture, IdleConnectionIsPingedThenClosedWhenNoPongComes) {
  start();
  executor.advance(milliseconds(9990));
  EXPECT_EQ(transport.pings(), 0);
  executor.advance(milliseconds(20));
  EXPECT_EQ(transport.pings(), 1) << "no ping after activity_timeout_s of silence";
  executor.advance(milliseconds(4970));
  EXPECT_EQ(transport.closed_code, 0);
  executor.advance(milliseconds(40));
  EXPECT_EQ(transport.closed_code, kErrorPongTimeout);
  EXPECT_EQ(transport.pings(), 1);
  EXPECT_EQ(executor.pending(), 0u) << "a closed connection's timer is not re-armed";
}

TEST_F(KeepaliveFixture, ActivityPostponesThePing) {
  start();
  executor.advance(seconds(6));
  keepalive.on_activity();
  executor.advance(seconds(9));  // 15 s in, 9 s after the last byte
  EXPECT_EQ(transport.pings(), 0);
  executor.advance(milliseconds(1010));
  EXPECT_EQ(transport.pings(), 1);
}

TEST_F(KeepaliveFixture, AnAnswerToThePingKeepsTheConnection) {
  start();
  executor.advance(milliseconds(10010));
  ASSERT_EQ(transport.pings(), 1);
  executor.advance(seconds(2));
  keepalive.on_activity();  // the pusher:pong (or any byte)
  executor.advance(seconds(8));
  EXPECT_EQ(transport.closed_code, 0);
  EXPECT_EQ(transport.pings(), 1);
  executor.advance(milliseconds(2100));  // 10 s after the answer: the next ping
  EXPECT_EQ(transport.pings(), 2);
  EXPECT_EQ(transport.closed_code, 0);
}

TEST_F(KeepaliveFixture, BusyConnectionWakesOncePerActivityTimeout) {
  start();
  for (int i = 0; i < 300; ++i) {
    executor.advance(milliseconds(100));
    keepalive.on_activity();
  }
  EXPECT_EQ(transport.pings(), 0);
  EXPECT_LE(armed, 4) << "the timer follows deadlines, not messages";
}

TEST_F(KeepaliveFixture, PingThatDoesNotFitStopsTheTimer) {
  start();
  transport.full = true;  // the real transport closes a slow consumer itself (4100)
  executor.advance(milliseconds(10010));
  EXPECT_EQ(executor.pending(), 0u);
}

}  // namespace headroom::pusher
