#include "observe/alert_notifier.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/manual_executor.hpp"
#include "server/recording_http_client.hpp"

namespace headroom::observe {

namespace {
using FakeHttpClient = server::testing::RecordingHttpClient;

AlertTransition firing() {
  AlertTransition t;
  t.name = "HighErrorRate";
  t.severity = Severity::kCritical;
  t.from = "pending";
  t.to = "firing";
  t.value = 0.5;
  t.threshold = 0.05;
  t.comparison = ">";
  t.summary = "Many requests fail with 5xx";
  t.at_ms = 1'800'000'060'000;
  t.starts_at_ms = 1'800'000'000'000;
  return t;
}
}  // namespace

TEST(AlertWebhookBody, SlackTextAndAlertmanagerAlerts) {
  auto body = boost::json::parse(alert_webhook_body(firing(), "host-1")).as_object();
  EXPECT_NE(std::string(body.at("text").as_string()).find("[FIRING] HighErrorRate (critical)"), std::string::npos);
  EXPECT_EQ(body.at("status").as_string(), "firing");
  const auto& alert = body.at("alerts").as_array().at(0).as_object();
  EXPECT_EQ(alert.at("status").as_string(), "firing");
  EXPECT_EQ(alert.at("labels").at("alertname").as_string(), "HighErrorRate");
  EXPECT_EQ(alert.at("labels").at("severity").as_string(), "critical");
  EXPECT_EQ(alert.at("startsAt").as_string(), "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(alert.at("endsAt").as_string(), "0001-01-01T00:00:00Z");

  auto t = firing();
  t.to = "resolved";
  auto resolved = boost::json::parse(alert_webhook_body(t, "host-1")).as_object();
  EXPECT_EQ(resolved.at("alerts").as_array().at(0).at("status").as_string(), "resolved");
  EXPECT_EQ(resolved.at("alerts").as_array().at(0).at("endsAt").as_string(), "2027-01-15T08:01:00.000Z");
}

TEST(AlertNotifier, RetriesWithBackoffThenDeliversInOrder) {
  FakeClock clock;
  ManualExecutor executor(clock);
  FakeHttpClient client;
  metrics::Registry registry;
  NotifierOptions options;
  options.first_backoff = std::chrono::milliseconds(100);
  auto n = AlertNotifier::create("http://127.0.0.1:9/hook", client, executor, registry, options);
  EXPECT_TRUE(n->enqueue("one"));
  EXPECT_TRUE(n->enqueue("two"));
  ASSERT_EQ(client.calls.size(), 1u);  // one in flight
  client.answer(0, 500);
  executor.advance(std::chrono::milliseconds(90));
  EXPECT_EQ(client.calls.size(), 1u);  // waiting out the backoff
  executor.advance(std::chrono::milliseconds(20));
  ASSERT_EQ(client.calls.size(), 2u);
  EXPECT_EQ(client.calls[1].body, "one");
  client.answer(1, 502);
  executor.advance(std::chrono::milliseconds(210));  // second backoff doubles
  ASSERT_EQ(client.calls.size(), 3u);
  client.answer(2, 200);
  executor.run_due();
  ASSERT_EQ(client.calls.size(), 4u);
  EXPECT_EQ(client.calls[3].body, "two");
  client.answer(3, 204);
  executor.run_due();
  EXPECT_EQ(n->queued(), 0u);
  EXPECT_EQ(registry.value("headroom_alert_notifications_total", {{"result", "sent"}}), 2);
  EXPECT_EQ(registry.value("headroom_alert_notification_retries_total"), 2);
}

TEST(AlertNotifier, GivesUpAfterMaxAttemptsAndDropsWhenFull) {
  FakeClock clock;
  ManualExecutor executor(clock);
  FakeHttpClient client;
  metrics::Registry registry;
  NotifierOptions options;
  options.max_queue = 2;
  options.max_attempts = 2;
  options.first_backoff = std::chrono::milliseconds(10);
  auto n = AlertNotifier::create("http://x/", client, executor, registry, options);
  EXPECT_TRUE(n->enqueue("a"));
  EXPECT_TRUE(n->enqueue("b"));
  EXPECT_FALSE(n->enqueue("c"));
  EXPECT_EQ(registry.value("headroom_alert_notifications_total", {{"result", "dropped"}}), 1);
  client.calls[0].done(Status(Code::kUnavailable, "connection refused"));
  executor.advance(std::chrono::milliseconds(20));
  client.answer(1, 500);  // second attempt fails: give up on "a"
  executor.run_due();
  ASSERT_EQ(client.calls.size(), 3u);
  EXPECT_EQ(client.calls[2].body, "b");
  EXPECT_EQ(registry.value("headroom_alert_notifications_total", {{"result", "failed"}}), 1);
}

TEST(AlertNotifier, CallbackAfterDestructionIsHarmless) {
  FakeClock clock;
  ManualExecutor executor(clock);
  FakeHttpClient client;
  metrics::Registry registry;
  auto n = AlertNotifier::create("http://x/", client, executor, registry);
  n->enqueue("a");
  n.reset();
  client.answer(0, 200);
  executor.run_due();
}

}  // namespace headroom::observe
