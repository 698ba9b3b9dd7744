#pragma once
// What a SIGHUP may change while serving. Keys that modules re-read through their reload hooks
// apply live (rate limits, apps with their rules/webhooks/limits, alert thresholds and webhook,
// backup schedule and retention); every other key keeps its running value until a restart, and
// the reload log line names it. See docs/operations.md.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace headroom::app {

// `key` as ops::changed_config_keys names it: "section.key", "apps[0].secret", …
bool applies_live(std::string_view key);

struct ReloadPlan {
  std::vector<std::string> applied;        // changed and applied by the reload hooks
  std::vector<std::string> needs_restart;  // changed in the file, running value kept
};

// Splits `changed` and copies the running value of every restart-only key into `next`, so the
// config the modules get is what actually runs.
ReloadPlan plan_reload(const config::Config& running, config::Config& next, const std::vector<std::string>& changed);

}  // namespace headroom::app
