#include "pusher/webhooks.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "core/manual_executor.hpp"
#include "server/recording_http_client.hpp"

namespace headroom::pusher {
namespace {

using FakeHttp = server::testing::RecordingHttpClient;

struct WebhookFixture : ::testing::Test {
  WebhookFixture() {
    config::AppConfig app;
    app.id = "app";
    app.key = "key";
    app.secret = "secret";
    app.webhooks.push_back({"http://127.0.0.1:1/hook", {}});
    config.apps.push_back(app);
    config.channels.webhook_batch_ms = 100;
    config.channels.webhook_vacate_delay_ms = 1000;
    config.channels.webhook_queue = 3;
    hooks = std::make_shared<Webhooks>(config, clock, executor, http, stats);
  }
  const config::AppConfig& app() { return config.apps[0]; }
  FakeClock clock;
  ManualExecutor executor{clock};
  FakeHttp http;
  metrics::Registry registry;
  Stats stats{registry};
  config::Config config;
  std::shared_ptr<Webhooks> hooks;
};

std::string header(const server::HttpClient::Headers& h, const std::string& name) {
  for (const auto& [k, v] : h) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace

TEST_F(WebhookFixture, BatchesAndSignsEvents) {
  hooks->emit(app(), WebhookEvent::of("channel_occupied", "a"));
  hooks->emit(app(), WebhookEvent::of("cache_miss", "cache-b"));
  EXPECT_TRUE(http.calls.empty());
  executor.advance(std::chrono::milliseconds(100));
  ASSERT_EQ(http.calls.size(), 1u);
  const auto& call = http.calls[0];
  EXPECT_EQ(call.url, "http://127.0.0.1:1/hook");
  EXPECT_NE(call.body.find(
                R"("events":[{"name":"channel_occupied","channel":"a"},{"name":"cache_miss","channel":"cache-b"}])"),
            std::string::npos);
  EXPECT_EQ(header(call.headers, "X-Pusher-Key"), "key");
  EXPECT_EQ(header(call.headers, "X-Pusher-Signature"), crypto::hmac_sha256_hex("secret", call.body));
  call.done(server::HttpClientResponse{200, ""});
  EXPECT_EQ(stats.webhooks_sent.value(), 1u);
}

TEST_F(WebhookFixture, QuickReconnectDoesNotFlap) {
  hooks->emit(app(), WebhookEvent::of("channel_vacated", "a"));
  executor.advance(std::chrono::milliseconds(500));
  hooks->emit(app(), WebhookEvent::of("channel_occupied", "a"));
  executor.advance(std::chrono::milliseconds(2000));
  EXPECT_TRUE(http.calls.empty());
  hooks->emit(app(), WebhookEvent::of("channel_vacated", "a"));
  executor.advance(std::chrono::milliseconds(1200));
  ASSERT_EQ(http.calls.size(), 1u);
  EXPECT_NE(http.calls[0].body.find("channel_vacated"), std::string::npos);
}

TEST_F(WebhookFixture, RetriesWithBackoffThenCountsFailure) {
  hooks->emit(app(), WebhookEvent::of("channel_occupied", "a"));
  executor.advance(std::chrono::milliseconds(100));
  // Each retry waits 0.5 s, 1 s, 2 s, 4 s after the failure before it, and resends the same batch.
  auto backoff = std::chrono::milliseconds(500);
  for (int attempt = 1; attempt <= Webhooks::kMaxAttempts; ++attempt) {
    ASSERT_EQ(http.calls.size(), static_cast<size_t>(attempt));
    EXPECT_EQ(http.calls.back().body, http.calls.front().body);
    http.calls.back().done(Status(Code::kUnavailable, "refused"));
    if (attempt == Webhooks::kMaxAttempts) break;
    executor.advance(backoff - std::chrono::milliseconds(10));
    EXPECT_EQ(http.calls.size(), static_cast<size_t>(attempt))
        << "retry " << attempt << " did not wait " << backoff.count() << " ms";
    executor.advance(std::chrono::milliseconds(20));
    backoff *= 2;
  }
  executor.advance(std::chrono::seconds(60));
  EXPECT_EQ(http.calls.size(), static_cast<size_t>(Webhooks::kMaxAttempts));
  EXPECT_EQ(stats.webhook_failures.value(), 1u);
  EXPECT_EQ(stats.webhook_retries.value(), static_cast<uint64_t>(Webhooks::kMaxAttempts - 1));
}

TEST_F(WebhookFixture, BoundedQueueCountsOverflow) {
  for (int i = 0; i < 5; ++i) hooks->emit(app(), WebhookEvent::of("cache_miss", "c" + std::to_string(i)));
  EXPECT_EQ(hooks->depth(), 3u);
  EXPECT_EQ(stats.webhooks_dropped.value(), 2u);
}

}  // namespace headroom::pusher
