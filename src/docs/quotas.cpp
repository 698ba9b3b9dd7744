#include "docs/quotas.hpp"

#include <cstdio>
#include <future>

namespace headroom::docs {

Quotas::Quotas(const config::QuotaConfig& cfg, Clock& clock, storage::Store& store)
    : cfg_(cfg), clock_(clock), store_(store), day_(today()) {}

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
  std::lock_guard lk(mu_);
  roll_locked();
  counts_[app][kind] += n;
  dirty_[app] = true;
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

void Quotas::collect(observe::Writer& w, const std::vector<std::string>& apps) {
  w.family("headroom_quota_used", "gauge", "Document operations used today (UTC) per app and kind");
  for (const auto& app : apps) {
    for (Kind k : {kRead, kWrite, kDelete}) w.sample("headroom_quota_used", {{"app", app}, {"kind", kind_name(k)}}, static_cast<double>(used(app, k)));
  }
  w.family("headroom_quota_limit", "gauge", "Daily quota per app and kind (0: unlimited)");
  for (const auto& app : apps) {
    for (Kind k : {kRead, kWrite, kDelete}) w.sample("headroom_quota_limit", {{"app", app}, {"kind", kind_name(k)}}, static_cast<double>(limit(k)));
  }
}

}  // namespace headroom::docs
