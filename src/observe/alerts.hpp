#pragma once
// The alert engine: evaluates every rule against the MetricWindow when asked (the module asks
// every alerts.eval_interval_ms on its Executor), moves each alert through
// inactive → pending → firing → resolved on the injected Clock, and reports every transition to
// a listener (log + webhook). Keeps the last transitions for /v1/admin/alerts. Thread-safe.
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "metrics/registry.hpp"
#include "observe/alert_rules.hpp"
#include "observe/metric_window.hpp"

namespace headroom::observe {

enum class AlertState { kInactive, kPending, kFiring };
std::string_view alert_state_name(AlertState s);

struct AlertStatus {
  std::string name;
  Severity severity = Severity::kWarning;
  std::string summary;
  AlertState state = AlertState::kInactive;
  double value = 0;  // last evaluated value (0 without data)
  bool has_value = false;
  double threshold = 0;
  std::string comparison;
  int64_t for_ms = 0;
  int64_t active_since_ms = 0;  // Unix ms the condition started to hold (pending/firing)
  int64_t fired_at_ms = 0;      // Unix ms it started firing
};

struct AlertTransition {
  std::string name;
  Severity severity = Severity::kWarning;
  std::string from;  // inactive | pending | firing
  std::string to;    // pending | firing | resolved | inactive (a pending alert that cleared)
  double value = 0;
  double threshold = 0;
  std::string comparison;
  std::string summary;
  std::string description;
  int64_t at_ms = 0;         // when this transition happened (Unix ms)
  int64_t starts_at_ms = 0;  // when the condition started to hold
};

class AlertEngine {
 public:
  using Listener = std::function<void(const AlertTransition&)>;
  static constexpr size_t kRecent = 100;

  AlertEngine(std::vector<AlertRule> rules, const Clock& clock, metrics::Registry& metrics, Listener listener = {});
  AlertEngine(const AlertEngine&) = delete;
  AlertEngine& operator=(const AlertEngine&) = delete;

  void evaluate(const MetricWindow& window);
  // A config reload: new thresholds, `for` durations and rules apply from the next evaluation. A
  // rule whose name is kept keeps its state (pending/firing and since when); a dropped rule's
  // gauge goes to 0. Any thread.
  void set_rules(std::vector<AlertRule> rules);
  std::vector<AlertStatus> statuses() const;
  std::vector<AlertTransition> recent() const;  // newest first
  std::vector<AlertRule> rules() const;

 private:
  struct Slot {
    AlertStatus status;
    Clock::TimePoint since{};
    metrics::Gauge* gauge = nullptr;
  };
  // Applies one evaluation to a slot; returns the transition, if any, with `to` empty for none.
  AlertTransition step(const AlertRule& rule, Slot& slot, std::optional<double> value);
  AlertTransition make_transition(const AlertRule& rule, const Slot& slot, AlertState from, std::string to) const;
  Slot make_slot(const AlertRule& rule);

  std::vector<AlertRule> rules_;  // guarded by mu_, like slots_
  const Clock& clock_;
  metrics::Registry& metrics_;
  Listener listener_;
  metrics::Counter& evaluations_;
  mutable std::mutex mu_;
  std::vector<Slot> slots_;
  std::deque<AlertTransition> recent_;
};

}  // namespace headroom::observe
