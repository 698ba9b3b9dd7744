#pragma once
// Per-app daily counters of document reads, writes and deletes (config.quotas; seed: 50,000 /
// 20,000 / 5,000 per day). The day is the UTC day of the injected clock; counters persist in the
// store (meta "quota/<day>/<app>") every few seconds, so a restart keeps them (losing at most the
// last flush interval after a kill -9). Enforced (429 RESOURCE_EXHAUSTED) only when
// quotas.enforce; always exported as headroom_quota_used{app,kind} / headroom_quota_limit{app,kind} /
// headroom_quota_ratio{app,kind}. Crossing 80 % and 100 % of a limit logs a warning once per
// app, kind and day and counts headroom_quota_warnings_total{app,kind,level="80"|"100"}.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/status.hpp"
#include "metrics/registry.hpp"
#include "storage/store.hpp"

namespace headroom::docs {

class Quotas {
 public:
  enum Kind { kRead = 0, kWrite = 1, kDelete = 2 };

  // `metrics` (optional) receives headroom_quota_warnings_total.
  Quotas(const config::QuotaConfig& cfg, Clock& clock, storage::Store& store, metrics::Registry* metrics = nullptr);
  Quotas(const Quotas&) = delete;
  Quotas& operator=(const Quotas&) = delete;

  // Would n more operations fit today? RESOURCE_EXHAUSTED only when enforcing.
  Status check(const std::string& app, Kind kind, int64_t n = 1);
  // check() and, when it passes, count them.
  Status charge(const std::string& app, Kind kind, int64_t n = 1);
  void add(const std::string& app, Kind kind, int64_t n);
  int64_t used(const std::string& app, Kind kind);
  int64_t limit(Kind kind) const;
  // used / limit (0 when unlimited).
  double ratio(const std::string& app, Kind kind);
  // The next UTC midnight of the clock, when every counter starts again (Unix seconds).
  int64_t reset_unix_s() const { return (today() + 1) * 86'400; }
  // Today's UTC date, "2026-11-27".
  std::string day_string() const;
  bool enforced() const { return cfg_.enforce; }

  // Loads today's stored counters (blocking; startup only).
  void load();
  // Writes changed counters to the store (asynchronous).
  void flush();
  void collect(metrics::Writer& w, const std::vector<std::string>& apps);

  static const char* kind_name(Kind k);

 private:
  int64_t today() const { return clock_.unix_ms() / 86'400'000; }
  void roll_locked();
  void warn_on_crossing(const std::string& app, Kind kind, int64_t before, int64_t after);

  const config::QuotaConfig& cfg_;
  Clock& clock_;
  storage::Store& store_;
  std::mutex mu_;
  int64_t day_;
  std::map<std::string, std::array<int64_t, 3>> counts_;
  std::map<std::string, bool> dirty_;
  metrics::Registry* metrics_;
};

}  // namespace headroom::docs
