#include "notify/sender.hpp"

#include <gtest/gtest.h>

#include "core/manual_executor.hpp"
#include "server/recording_http_client.hpp"

namespace headroom::notify {
namespace {

using std::chrono::milliseconds;

using FakeHttp = server::testing::RecordingHttpClient;

struct SenderFixture : ::testing::Test {
  std::shared_ptr<Sender> make(SenderOptions options) {
    return Sender::create(http, executor, {sent, failed, dropped, retries}, std::move(options));
  }
  static Notification note(std::string body, uint64_t items = 1) {
    return {"http://127.0.0.1:9/hook", {{"X-Signature", "sig-" + body}}, std::move(body), items};
  }
  FakeClock clock;
  ManualExecutor executor{clock};
  FakeHttp http;
  metrics::Counter sent, failed, dropped, retries;
};

}  // namespace

TEST_F(SenderFixture, SendsTheCallersBodyHeadersAndTimeout) {
  SenderOptions options;
  options.timeout = milliseconds(1234);
  auto sender = make(options);
  EXPECT_EQ(sender->enqueue(note("a")), Enqueued::kAccepted);
  ASSERT_EQ(http.calls.size(), 1u);
  EXPECT_EQ(http.calls[0].url, "http://127.0.0.1:9/hook");
  EXPECT_EQ(http.calls[0].body, "a");
  EXPECT_EQ(http.calls[0].headers, (server::HttpClient::Headers{{"X-Signature", "sig-a"}}));
  EXPECT_EQ(http.calls[0].timeout, milliseconds(1234));
  http.answer(0, 204);
  EXPECT_EQ(sent.value(), 1u);
  EXPECT_EQ(sender->held(), 0u);
}

TEST_F(SenderFixture, FullQueueDropsAndCountsItems) {
  SenderOptions options;
  options.max_queue = 2;
  auto sender = make(options);
  EXPECT_EQ(sender->enqueue(note("a")), Enqueued::kAccepted);  // in flight: still held
  EXPECT_EQ(sender->enqueue(note("b")), Enqueued::kAccepted);
  EXPECT_EQ(sender->enqueue(note("c", 7)), Enqueued::kDropped);
  EXPECT_EQ(dropped.value(), 7u);
  EXPECT_EQ(sender->held(), 2u);
  http.answer(0, 200);  // a slot is free again
  EXPECT_EQ(sender->enqueue(note("d")), Enqueued::kAccepted);
  EXPECT_EQ(dropped.value(), 7u);
}

TEST_F(SenderFixture, BytesBoundTheQueueToo) {
  SenderOptions options;
  options.max_queue_bytes = 5;
  auto sender = make(options);
  EXPECT_EQ(sender->enqueue(note("abc")), Enqueued::kAccepted);
  EXPECT_EQ(sender->enqueue(note("def")), Enqueued::kDropped);
  EXPECT_EQ(sender->enqueue(note("gh")), Enqueued::kAccepted);
  EXPECT_EQ(dropped.value(), 1u);
}

TEST_F(SenderFixture, RetriesAfterBackoffThenSucceeds) {
  SenderOptions options;
  options.first_backoff = milliseconds(100);
  auto sender = make(options);
  sender->enqueue(note("a"));
  http.refuse(0);
  executor.advance(milliseconds(90));
  EXPECT_EQ(http.calls.size(), 1u) << "retried before the backoff";
  executor.advance(milliseconds(20));
  ASSERT_EQ(http.calls.size(), 2u);
  EXPECT_EQ(http.calls[1].body, "a");
  EXPECT_EQ(http.calls[1].headers, http.calls[0].headers);
  http.answer(1, 503);
  executor.advance(milliseconds(190));
  EXPECT_EQ(http.calls.size(), 2u) << "the second backoff doubles";
  executor.advance(milliseconds(20));
  ASSERT_EQ(http.calls.size(), 3u);
  http.answer(2, 200);
  EXPECT_EQ(sent.value(), 1u);
  EXPECT_EQ(retries.value(), 2u);
  EXPECT_EQ(failed.value(), 0u);
  EXPECT_EQ(sender->held(), 0u);
}

TEST_F(SenderFixture, BackoffDoublesUpToTheCap) {
  SenderOptions options;
  options.first_backoff = milliseconds(500);
  options.max_backoff = milliseconds(3000);
  EXPECT_EQ(Sender::backoff(options, 1), milliseconds(500));
  EXPECT_EQ(Sender::backoff(options, 2), milliseconds(1000));
  EXPECT_EQ(Sender::backoff(options, 3), milliseconds(2000));
  EXPECT_EQ(Sender::backoff(options, 4), milliseconds(3000));
  EXPECT_EQ(Sender::backoff(options, 60), milliseconds(3000));
}

TEST_F(SenderFixture, GivesUpAfterMaxAttempts) {
  SenderOptions options;
  options.max_attempts = 3;
  options.first_backoff = milliseconds(10);
  auto sender = make(options);
  sender->enqueue(note("a"));
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(http.calls.size(), i + 1);
    http.answer(i, 500);
    executor.advance(milliseconds(100));
  }
  EXPECT_EQ(http.calls.size(), 3u);
  EXPECT_EQ(failed.value(), 1u);
  EXPECT_EQ(retries.value(), 2u);
  EXPECT_EQ(sender->held(), 0u);
}

TEST_F(SenderFixture, OneInFlightKeepsTheOrderThroughRetries) {
  SenderOptions options;
  options.first_backoff = milliseconds(10);
  auto sender = make(options);
  sender->enqueue(note("a"));
  sender->enqueue(note("b"));
  ASSERT_EQ(http.calls.size(), 1u);
  http.refuse(0);
  executor.advance(milliseconds(20));
  ASSERT_EQ(http.calls.size(), 2u);
  EXPECT_EQ(http.calls[1].body, "a");  // "b" waits behind the retry
  http.answer(1, 200);
  executor.run_due();
  ASSERT_EQ(http.calls.size(), 3u);
  EXPECT_EQ(http.calls[2].body, "b");
}

TEST_F(SenderFixture, SeveralInFlightStartAtOnce) {
  SenderOptions options;
  options.max_in_flight = 2;
  auto sender = make(options);
  sender->enqueue(note("a"));
  sender->enqueue(note("b"));
  sender->enqueue(note("c"));
  ASSERT_EQ(http.calls.size(), 2u);
  http.answer(1, 200);
  executor.run_due();
  ASSERT_EQ(http.calls.size(), 3u);
  EXPECT_EQ(http.calls[2].body, "c");
}

TEST_F(SenderFixture, CallbackAfterDestructionIsHarmless) {
  auto sender = make({});
  sender->enqueue(note("a"));
  sender.reset();
  http.answer(0, 200);
  executor.run_due();
  EXPECT_EQ(sent.value(), 0u);
}

}  // namespace headroom::notify
