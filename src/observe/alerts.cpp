#include "observe/alerts.hpp"

#include <algorithm>

namespace headroom::observe {

std::string_view alert_state_name(AlertState s) {
  switch (s) {
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
  }
  return "unknown";
}

AlertEngine::AlertEngine(std::vector<AlertRule> rules, const Clock& clock, metrics::Registry& metrics,
                         Listener listener)
    : rules_(std::move(rules)),
      clock_(clock),
      metrics_(metrics),
      listener_(std::move(listener)),
      evaluations_(metrics.counter("headroom_alert_evaluations_total", "Alert rule evaluation rounds.")) {
  for (const auto& rule : rules_) slots_.push_back(make_slot(rule));
}

AlertEngine::Slot AlertEngine::make_slot(const AlertRule& rule) {
  Slot slot;
  slot.status.name = rule.name;
  slot.status.severity = rule.severity;
  slot.status.summary = rule.summary;
  slot.status.threshold = rule.threshold;
  slot.status.comparison = std::string(comparison_symbol(rule.comparison));
  slot.status.for_ms = rule.for_duration.count();
  slot.gauge = &metrics_.gauge("headroom_alert_state", "Alert state per rule: 0 inactive, 1 pending, 2 firing.",
                               {{"alertname", rule.name}, {"severity", std::string(severity_name(rule.severity))}});
  return slot;
}

void AlertEngine::set_rules(std::vector<AlertRule> rules) {
  std::vector<Slot> slots;
  for (const auto& rule : rules) slots.push_back(make_slot(rule));  // gauges first: the registry has its own lock
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < rules.size(); ++i) {
    for (const Slot& old : slots_) {
      if (old.status.name != rules[i].name) continue;
      AlertStatus& st = slots[i].status;
      st.state = old.status.state;
      st.value = old.status.value;
      st.has_value = old.status.has_value;
      st.active_since_ms = old.status.active_since_ms;
      st.fired_at_ms = old.status.fired_at_ms;
      slots[i].since = old.since;
    }
  }
  for (const Slot& old : slots_) {
    const bool kept =
        std::any_of(rules.begin(), rules.end(), [&](const AlertRule& r) { return r.name == old.status.name; });
    if (!kept) old.gauge->set(0);
  }
  rules_ = std::move(rules);
  slots_ = std::move(slots);
}

std::vector<AlertRule> AlertEngine::rules() const {
  std::lock_guard lock(mu_);
  return rules_;
}

AlertTransition AlertEngine::make_transition(const AlertRule& rule, const Slot& slot, AlertState from,
                                             std::string to) const {
  AlertTransition t;
  t.name = rule.name;
  t.severity = rule.severity;
  t.from = std::string(alert_state_name(from));
  t.to = std::move(to);
  t.value = slot.status.value;
  t.threshold = rule.threshold;
  t.comparison = slot.status.comparison;
  t.summary = rule.summary;
  t.description = rule.description;
  t.at_ms = clock_.unix_ms();
  t.starts_at_ms = slot.status.active_since_ms;
  return t;
}

AlertTransition AlertEngine::step(const AlertRule& rule, Slot& slot, std::optional<double> value) {
  auto& st = slot.status;
  st.has_value = value.has_value();
  st.value = value.value_or(0);
  const bool active = value && rule.holds(*value);
  const AlertState from = st.state;
  const auto now = clock_.now();
  if (!active) {
    if (from == AlertState::kInactive) return {};
    st.state = AlertState::kInactive;
    auto t = make_transition(rule, slot, from, from == AlertState::kFiring ? "resolved" : "inactive");
    st.active_since_ms = 0;
    st.fired_at_ms = 0;
    return t;
  }
  if (from == AlertState::kInactive) {
    slot.since = now;
    st.active_since_ms = clock_.unix_ms();
  }
  if (from != AlertState::kFiring && now - slot.since >= rule.for_duration) {
    st.state = AlertState::kFiring;
    st.fired_at_ms = clock_.unix_ms();
    return make_transition(rule, slot, from, "firing");
  }
  if (from == AlertState::kInactive) {
    st.state = AlertState::kPending;
    return make_transition(rule, slot, from, "pending");
  }
  return {};
}

void AlertEngine::evaluate(const MetricWindow& window) {
  evaluations_.inc();
  std::vector<AlertTransition> transitions;
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < rules_.size(); ++i) {
      std::optional<double> value = rules_[i].value ? rules_[i].value(window) : std::nullopt;
      AlertTransition t = step(rules_[i], slots_[i], value);
      slots_[i].gauge->set(static_cast<double>(slots_[i].status.state));
      if (t.to.empty()) continue;
      recent_.push_front(t);
      if (recent_.size() > kRecent) recent_.pop_back();
      transitions.push_back(std::move(t));
    }
  }
  if (listener_) {
    for (const auto& t : transitions) listener_(t);
  }
}

std::vector<AlertStatus> AlertEngine::statuses() const {
  std::lock_guard lock(mu_);
  std::vector<AlertStatus> out;
  for (const auto& slot : slots_) out.push_back(slot.status);
  return out;
}

std::vector<AlertTransition> AlertEngine::recent() const {
  std::lock_guard lock(mu_);
  return {recent_.begin(), recent_.end()};
}

}  // namespace headroom::observe
