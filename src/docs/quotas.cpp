#include "docs/quotas.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <ctime>
#include <future>

namespace headroom::docs {

Quotas::Quotas(const config::QuotaConfig& cfg, Clock& clock, storage::Store& store, metrics::Registry* metrics)
    : cfg_(cfg), clock_(clock), store_(store), day_(today()), metrics_(metrics) {}

double Quotas::ratio(const std::string& app, Kind kind) {
  const int64_t l = limit(kind);
  return l <= 0 ? 0.0 : static_cast<double>(used(app, kind)) / static_cast<double>(l);
}

std::string Quotas::day_string() const {
  const std::time_t t = static_cast<std::time_t>(today() * 86'400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Counters only grow within a day and start at 0 on a new one, so each level
// is crossed at most once per app, kind and day (a restart resumes from the stored count, so a
// level already passed is not announced again).
void Quotas::warn_on_crossing(const std::string& app, Kind kind, int64_t before, int64_t after) {
  const int64_t l = limit(kind);
  if (l <= 0) return;
  struct Level {
    int percent;
    int64_t at;  // first count at or past the level
  };
  for (Level lv : {Level{80, (l * 80 + 99) / 100}, Level{100, l}}) {
    if (before >= lv.at || after < lv.at) continue;
    spdlog::warn("quota: app {} used {} of {} {} today ({} %){}", app, after, l, kind_name(kind), lv.percent,
                 cfg_.enforce && lv.percent == 100 ? "; further requests get 429 until 00:00 UTC" : "");
    if (metrics_) {
      metrics_
          ->counter("headroom_quota_warnings_total", "Daily quota levels (80 %, 100 %) crossed, per app and kind",
                    {{"app", app}, {"kind", kind_name(kind)}, {"level", std::to_string(lv.percent)}})
          .inc();
    }
  }
}

const char* Quotas::kind_name(Kind k) {
  static const char* kNames[] = {"reads", "writes", "deletes"};
  return kNames[k];
}

int64_t Quotas::limit(Kind kind) const {
  return kind == kRead ? cfg_.reads_per_day : kind == kWrite ? cfg_.writes_per_day : cfg_.deletes_per_day;
}

void Quotas::roll_locked() {
  int64_t d = today();
  if (d == day_) return;
  day_ = d;
  counts_.clear();
  dirty_.clear();
}

Status Quotas::check(const std::string& app, Kind kind, int64_t n) {
  if (!cfg_.enforce || limit(kind) <= 0) return Status::ok();
  std::lock_guard lk(mu_);
  roll_locked();
  if (counts_[app][kind] + n <= limit(kind)) return Status::ok();
  return Status(Code::kResourceExhausted,
                std::string("daily ") + kind_name(kind) + " quota of " + std::to_string(limit(kind)) +
                    " is used up; it resets at 00:00 UTC",
                std::string("{\"quota\":\"") + kind_name(kind) + "\",\"limit\":" + std::to_string(limit(kind)) + "}");
}

Status Quotas::charge(const std::string& app, Kind kind, int64_t n) {
  if (Status s = check(app, kind, n); !s) return s;
  add(app, kind, n);
  return Status::ok();
}

void Quotas::add(const std::string& app, Kind kind, int64_t n) {
  int64_t before = 0, after = 0;
  {
    std::lock_guard lk(mu_);
    roll_locked();
    int64_t& c = counts_[app][kind];
    before = c;
    after = c += n;
    dirty_[app] = true;
  }
  // Outside the lock: the metrics registry may be scraping (and calling collect()) meanwhile.
  if (n > 0) warn_on_crossing(app, kind, before, after);
}

int64_t Quotas::used(const std::string& app, Kind kind) {
  std::lock_guard lk(mu_);
  roll_locked();
  auto it = counts_.find(app);
  return it == counts_.end() ? 0 : it->second[kind];
}

void Quotas::load() {
  std::promise<Result<std::vector<std::pair<std::string, std::string>>>> p;
  auto f = p.get_future();
  int64_t day = today();
  std::string prefix = "quota/" + std::to_string(day) + "/";
  store_.get_meta_prefix(prefix, [&p](auto r) { p.set_value(std::move(r)); });
  auto rows = f.get();
  if (!rows) return;
  std::lock_guard lk(mu_);
  day_ = day;
  for (const auto& [key, value] : *rows) {
    std::array<int64_t, 3> c{};
    long long r = 0, w = 0, d = 0;
    if (std::sscanf(value.c_str(), "%lld,%lld,%lld", &r, &w, &d) == 3) c = {r, w, d};
    counts_[key.substr(prefix.size())] = c;
  }
}

void Quotas::flush() {
  std::vector<std::pair<std::string, std::string>> rows;
  {
    std::lock_guard lk(mu_);
    roll_locked();
    for (auto& [app, dirty] : dirty_) {
      if (!dirty) continue;
      const auto& c = counts_[app];
      rows.emplace_back("quota/" + std::to_string(day_) + "/" + app,
                        std::to_string(c[0]) + "," + std::to_string(c[1]) + "," + std::to_string(c[2]));
      dirty = false;
    }
  }
  for (auto& [k, v] : rows) store_.put_meta(std::move(k), std::move(v), [](Status) {});
}

void Quotas::collect(metrics::Writer& w, const std::vector<std::string>& apps) {
  w.family("headroom_quota_used", "gauge", "Document operations used today (UTC) per app and kind");
  for (const auto& app : apps) {
    for (Kind k : {kRead, kWrite, kDelete})
      w.sample("headroom_quota_used", {{"app", app}, {"kind", kind_name(k)}}, static_cast<double>(used(app, k)));
  }
  w.family("headroom_quota_limit", "gauge", "Daily quota per app and kind (0: unlimited)");
  for (const auto& app : apps) {
    for (Kind k : {kRead, kWrite, kDelete})
      w.sample("headroom_quota_limit", {{"app", app}, {"kind", kind_name(k)}}, static_cast<double>(limit(k)));
  }
  w.family("headroom_quota_ratio", "gauge", "Share of the daily quota used today per app and kind (0 when unlimited)");
  for (const auto& app : apps) {
    for (Kind k : {kRead, kWrite, kDelete})
      w.sample("headroom_quota_ratio", {{"app", app}, {"kind", kind_name(k)}}, ratio(app, k));
  }
}

}  // namespace headroom::docs
