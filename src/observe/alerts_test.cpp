#include "observe/alerts.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/manual_executor.hpp"

namespace headroom::observe {

namespace {
struct Harness {
  FakeClock clock;
  metrics::Registry registry;
  MetricWindow window;
  metrics::Gauge& value = registry.gauge("test_value", "h");
  std::vector<AlertTransition> seen;

  void scrape() {
    window.add({clock.now(),
                std::make_shared<const metrics::MetricSnapshot>(metrics::MetricSnapshot::parse(registry.render())),
                {}});
  }
  AlertRule rule(std::chrono::milliseconds for_duration) {
    AlertRule r;
    r.name = "TestHigh";
    r.severity = Severity::kCritical;
    r.summary = "test value high";
    r.value = [](const MetricWindow& w) -> std::optional<double> { return w.latest()->sum("test_value"); };
    r.threshold = 10;
    r.for_duration = for_duration;
    return r;
  }
};
}  // namespace

TEST(AlertEngine, PendingThenFiringAfterForThenResolved) {
  Harness h;
  ManualExecutor executor(h.clock);
  AlertEngine engine({h.rule(std::chrono::seconds(30))}, h.clock, h.registry,
                     [&](const AlertTransition& t) { h.seen.push_back(t); });
  PeriodicTask task(executor, std::chrono::seconds(5), [&] {
    h.scrape();
    engine.evaluate(h.window);
  });
  executor.advance(std::chrono::seconds(20), std::chrono::seconds(1));
  EXPECT_TRUE(h.seen.empty());
  EXPECT_EQ(engine.statuses()[0].state, AlertState::kInactive);

  h.value.set(11);
  executor.advance(std::chrono::seconds(5), std::chrono::seconds(1));
  ASSERT_EQ(h.seen.size(), 1u);
  EXPECT_EQ(h.seen[0].to, "pending");
  EXPECT_EQ(engine.statuses()[0].state, AlertState::kPending);
  EXPECT_EQ(h.registry.value("headroom_alert_state", {{"alertname", "TestHigh"}, {"severity", "critical"}}), 1);

  executor.advance(std::chrono::seconds(25), std::chrono::seconds(1));
  EXPECT_EQ(h.seen.size(), 1u);  // not yet 30 s
  executor.advance(std::chrono::seconds(5), std::chrono::seconds(1));
  ASSERT_EQ(h.seen.size(), 2u);
  EXPECT_EQ(h.seen[1].to, "firing");
  EXPECT_EQ(h.seen[1].from, "pending");
  EXPECT_EQ(h.seen[1].value, 11);
  EXPECT_EQ(h.seen[1].starts_at_ms, h.seen[0].at_ms);
  EXPECT_EQ(engine.statuses()[0].state, AlertState::kFiring);

  executor.advance(std::chrono::seconds(60), std::chrono::seconds(1));
  EXPECT_EQ(h.seen.size(), 2u);  // firing is reported once

  h.value.set(3);
  executor.advance(std::chrono::seconds(5), std::chrono::seconds(1));
  ASSERT_EQ(h.seen.size(), 3u);
  EXPECT_EQ(h.seen[2].to, "resolved");
  EXPECT_EQ(engine.statuses()[0].state, AlertState::kInactive);
  auto recent = engine.recent();
  ASSERT_EQ(recent.size(), 3u);
  EXPECT_EQ(recent.front().to, "resolved");
}

TEST(AlertEngine, PendingThatClearsNeverFires) {
  Harness h;
  AlertEngine engine({h.rule(std::chrono::minutes(1))}, h.clock, h.registry,
                     [&](const AlertTransition& t) { h.seen.push_back(t); });
  h.value.set(50);
  h.scrape();
  engine.evaluate(h.window);
  h.clock.advance(std::chrono::seconds(30));
  h.value.set(0);
  h.scrape();
  engine.evaluate(h.window);
  h.clock.advance(std::chrono::seconds(40));
  h.value.set(50);
  h.scrape();
  engine.evaluate(h.window);  // pending again, its clock restarted
  ASSERT_EQ(h.seen.size(), 3u);
  EXPECT_EQ(h.seen[1].to, "inactive");
  EXPECT_EQ(h.seen[2].to, "pending");
  EXPECT_EQ(engine.statuses()[0].state, AlertState::kPending);
}

TEST(AlertEngine, ZeroForFiresAtOnceAndNoDataIsNotAnAlert) {
  Harness h;
  auto r = h.rule(std::chrono::milliseconds(0));
  AlertRule nodata = h.rule(std::chrono::milliseconds(0));
  nodata.name = "NoData";
  nodata.value = [](const MetricWindow&) { return std::optional<double>(); };
  nodata.comparison = Comparison::kLess;
  AlertEngine engine({r, nodata}, h.clock, h.registry, [&](const AlertTransition& t) { h.seen.push_back(t); });
  h.value.set(100);
  h.scrape();
  engine.evaluate(h.window);
  ASSERT_EQ(h.seen.size(), 1u);
  EXPECT_EQ(h.seen[0].name, "TestHigh");
  EXPECT_EQ(h.seen[0].from, "inactive");
  EXPECT_EQ(h.seen[0].to, "firing");
  EXPECT_FALSE(engine.statuses()[1].has_value);
}

// SIGHUP: a new threshold applies at the next evaluation; a kept rule keeps its state.
TEST(AlertEngine, SetRulesKeepsStateByNameAndAppliesNewThresholds) {
  Harness h;
  AlertEngine engine({h.rule(std::chrono::seconds(0))}, h.clock, h.registry,
                     [&](const AlertTransition& t) { h.seen.push_back(t); });
  h.value.set(11);
  h.scrape();
  engine.evaluate(h.window);
  ASSERT_EQ(engine.statuses()[0].state, AlertState::kFiring);
  AlertRule higher = h.rule(std::chrono::seconds(0));
  higher.threshold = 20;
  AlertRule other = h.rule(std::chrono::seconds(0));
  other.name = "TestOther";
  engine.set_rules({higher, other});
  ASSERT_EQ(engine.statuses().size(), 2u);
  EXPECT_EQ(engine.statuses()[0].state, AlertState::kFiring);  // kept until evaluated
  EXPECT_EQ(engine.statuses()[0].threshold, 20);
  EXPECT_EQ(engine.rules()[0].threshold, 20);
  h.clock.advance(std::chrono::seconds(1));
  h.scrape();
  engine.evaluate(h.window);
  ASSERT_GE(h.seen.size(), 2u);
  EXPECT_EQ(h.seen[1].name, "TestHigh");
  EXPECT_EQ(h.seen[1].to, "resolved");
  EXPECT_EQ(engine.statuses()[1].state, AlertState::kFiring);  // the new rule: 11 > 10
  engine.set_rules({});
  EXPECT_EQ(h.registry.value("headroom_alert_state", {{"alertname", "TestOther"}, {"severity", "critical"}}), 0);
}

// Evaluation (loop 0), the admin routes (any loop) and SIGHUP (main thread) at once (TSan).
TEST(AlertEngine, SetRulesWhileEvaluatingAndReading) {
  Harness h;
  AlertEngine engine({h.rule(std::chrono::seconds(0))}, h.clock, h.registry);
  h.value.set(11);
  h.scrape();
  std::atomic<bool> stop{false};
  std::thread evaluator([&] {
    while (!stop.load()) engine.evaluate(h.window);
  });
  std::thread reader([&] {
    while (!stop.load()) (void)engine.statuses(), (void)engine.rules();
  });
  for (int i = 0; i < 200; ++i) {
    AlertRule r = h.rule(std::chrono::seconds(0));
    r.threshold = i % 2 ? 5 : 50;
    engine.set_rules({r});
  }
  stop = true;
  evaluator.join();
  reader.join();
  EXPECT_EQ(engine.rules()[0].threshold, 5);
}

}  // namespace headroom::observe
