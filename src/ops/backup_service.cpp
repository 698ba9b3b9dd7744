#include "ops/backup_service.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <stdexcept>

#include "config/loader.hpp"
#include "core/log.hpp"

namespace headroom::ops {

struct BackupService::Shared {
  std::mutex mu;
  BackupService* self = nullptr;  // cleared by the destructor before anything is torn down
};

BackupService::BackupService(std::shared_ptr<storage::Maintenance> storage, const config::Config& config, Clock& clock,
                             Executor& executor, metrics::Registry& metrics, std::string headroom_version)
    : config_(&config),
      storage_(std::move(storage)),
      clock_(clock),
      executor_(executor),
      version_(std::move(headroom_version)),
      dir_(backups_dir(config)),
      failures_(metrics.counter("headroom_backup_failures_total", "Backups that failed (each retry counts)")),
      successes_(metrics.counter("headroom_backups_total", "Backups completed")),
      last_success_(metrics.gauge("headroom_backup_last_success_timestamp_seconds",
                                  "Unix time of the newest complete backup (0: none)")),
      duration_(metrics.gauge("headroom_backup_duration_seconds", "How long the last successful backup took")),
      shared_(std::make_shared<Shared>()) {
  shared_->self = this;
  const std::string& spec = config.backup.schedule;
  if (!spec.empty() && spec != "off") {
    auto parsed = CronSchedule::parse(spec);
    if (!parsed) throw std::runtime_error("backup.schedule: " + parsed.status().message());
    schedule_ = *parsed;
  }
  if (schedule_) {
    // Point-in-time recovery replays the change log since the last backup: it must outlive the
    // gap between two backups (docs/recovery.md).
    int64_t first = schedule_->next_after(clock.unix_ms());
    int64_t gap = first < 0 ? 0 : schedule_->next_after(first) - first;
    int64_t retention = int64_t{config.data.change_log_retention_hours} * 3600 * 1000;
    if (gap > 0 && retention < 2 * gap) {
      spdlog::warn(
          "data.change_log_retention_hours ({}) is shorter than two backup intervals ({} h): "
          "point-in-time recovery may find the change log trimmed",
          config.data.change_log_retention_hours, 2 * gap / 3600000);
    }
  }
  auto existing = list_backups(dir_);
  if (!existing.empty()) last_success_.set(static_cast<double>(existing.back().manifest.created_ms) / 1000.0);
}

BackupService::~BackupService() {
  {
    std::lock_guard lk(shared_->mu);
    shared_->self = nullptr;
  }
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void BackupService::start() {
  worker_ = std::thread([this] { worker_loop(); });
  arm_next();
}

void BackupService::arm_next() {
  std::lock_guard cl(cfg_mu_);
  if (!schedule_) return;
  int64_t at = schedule_->next_after(clock_.unix_ms());
  if (at < 0) return;
  std::weak_ptr<Shared> weak = shared_;
  uint64_t gen = generation_;
  // A timer runs on monotonic time and the schedule on wall-clock time: re-checked on firing.
  std::function<void()> fire = [weak, at, gen] {
    auto sh = weak.lock();
    if (!sh) return;
    std::lock_guard lk(sh->mu);
    BackupService* self = sh->self;
    if (!self) return;
    {
      std::lock_guard cl(self->cfg_mu_);
      if (self->generation_ != gen) return;  // re-armed by a reload
    }
    int64_t now = self->clock_.unix_ms();
    if (now + 1000 < at) {
      self->executor_.post_after(std::chrono::milliseconds(at - now), [weak, gen] {
        auto s = weak.lock();
        if (!s) return;
        std::lock_guard l(s->mu);
        if (!s->self) return;
        std::lock_guard cl(s->self->cfg_mu_);
        if (s->self->generation_ == gen) s->self->post_to_worker([self = s->self] { self->run_scheduled(0); });
      });
      return;
    }
    self->post_to_worker([self] { self->run_scheduled(0); });
  };
  executor_.post_after(std::chrono::milliseconds(std::max<int64_t>(0, at - clock_.unix_ms())), std::move(fire));
}

void BackupService::reload(const config::Config& config) {
  std::optional<CronSchedule> schedule;
  const std::string& spec = config.backup.schedule;
  if (!spec.empty() && spec != "off") {
    auto parsed = CronSchedule::parse(spec);
    if (!parsed) {
      spdlog::error("backup.schedule: {}; keeping the previous schedule", parsed.status().message());
      return;
    }
    schedule = *parsed;
  }
  {
    std::lock_guard cl(cfg_mu_);
    config_ = &config;
    schedule_ = schedule;
    ++generation_;
  }
  arm_next();
}

void BackupService::post_to_worker(std::function<void()> task) {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

bool BackupService::request(Done done) {
  {
    std::lock_guard lk(mu_);
    if (stopping_ || queue_.size() >= kMaxQueued) return false;
    queue_.push_back([this, done = std::move(done)] { done(run_once()); });
  }
  cv_.notify_one();
  return true;
}

void BackupService::worker_loop() {
  // Backups are background work: on a small machine they must not take CPU from the event loops
  // and the store's writer (a thread's nice value is per thread on Linux).
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {  // a caller's `done` (run_once never throws): the worker goes on
      if (log::error_budget_allows()) spdlog::error("backup worker: a task threw: {}", e.what());
    } catch (...) {
      if (log::error_budget_allows()) spdlog::error("backup worker: a task threw");
    }
  }
}

// A backup that throws (std::filesystem, bad_alloc) is a failed backup like any other: counted,
// logged, retried on schedule, and its caller hears INTERNAL. Before, it ended the worker thread
// and with it the process (std::terminate).
Result<BackupInfo> BackupService::run_once() {
  try {
    return run_once_unguarded();
  } catch (const std::exception& e) {
    failures_.inc();
    if (log::error_budget_allows()) spdlog::error("backup failed: it threw: {}", e.what());
  } catch (...) {
    failures_.inc();
    if (log::error_budget_allows()) spdlog::error("backup failed: it threw");
  }
  return internal_error("backup failed (internal error; see the log)");
}

Result<BackupInfo> BackupService::run_once_unguarded() {
  std::lock_guard one(backup_mu_);
  const config::Config* config;
  {
    std::lock_guard cl(cfg_mu_);
    config = config_;
  }
  BackupRequest r{database_path(*config),
                  dir_,
                  config::to_toml(*config, false),
                  version_,
                  data_dir_files(*config),
                  1024,
                  {},
                  &clock_};
  auto b = create_backup(*storage_, r);
  if (!b) {
    failures_.inc();
    spdlog::error("backup failed: {}", b.status().message());
    return b;
  }
  auto removed = prune_backups(dir_, config->backup.keep, clock_.unix_ms());
  last_success_.set(static_cast<double>(b->manifest.created_ms) / 1000.0);
  duration_.set(static_cast<double>(b->manifest.duration_ms) / 1000.0);
  successes_.inc();  // last: tests wait on it
  spdlog::info("backup {} written ({} bytes, {} ms); {} old backups removed", b->name, b->manifest.db_bytes,
               b->manifest.duration_ms, removed.size());
  return b;
}

void BackupService::run_scheduled(int attempt) {
  auto b = run_once();
  if (b || attempt >= kMaxRetries) {
    if (!b) spdlog::error("backup: giving up after {} retries until the next scheduled run", kMaxRetries);
    arm_next();
    return;
  }
  auto delay = std::chrono::minutes(1 << attempt);
  spdlog::warn("backup: retry {} of {} in {} min", attempt + 1, kMaxRetries, delay.count());
  std::weak_ptr<Shared> weak = shared_;
  executor_.post_after(delay, [weak, attempt] {
    auto sh = weak.lock();
    if (!sh) return;
    std::lock_guard lk(sh->mu);
    if (sh->self) sh->self->post_to_worker([self = sh->self, attempt] { self->run_scheduled(attempt + 1); });
  });
}

}  // namespace headroom::ops
