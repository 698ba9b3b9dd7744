#pragma once
// Scheduled backups inside the server. Timers run on the server's executor (they only hand work
// over); every backup runs on this service's own worker thread, never on an event loop.
//  - backup.schedule (cron, UTC) picks the run times; the delay is computed from the injected
//    Clock and re-checked when the timer fires.
//  - A failed scheduled backup is logged, counted (headroom_backup_failures_total) and retried
//    after 1, 2, 4 minutes (three retries), then waits for the next scheduled time.
//  - After each success the newest backup.keep backups are kept and the rest deleted;
//    headroom_backup_last_success_timestamp_seconds and headroom_backup_duration_seconds are set.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/executor.hpp"
#include "metrics/registry.hpp"
#include "ops/backup.hpp"
#include "ops/cron.hpp"

namespace headroom::ops {

class BackupService {
 public:
  using Done = std::function<void(Result<BackupInfo>)>;
  static constexpr size_t kMaxQueued = 4;
  static constexpr int kMaxRetries = 3;

  // `storage`: the driver's maintenance side (app/backends.hpp), shared with whoever else uses it.
  BackupService(std::shared_ptr<storage::Maintenance> storage, const config::Config& config, Clock& clock,
                Executor& executor, metrics::Registry& metrics, std::string headroom_version);
  BackupService(const BackupService&) = delete;
  BackupService& operator=(const BackupService&) = delete;
  ~BackupService();

  // Starts the worker thread and arms the first scheduled run (none if the schedule is "off").
  void start();
  // Queues a backup now; `done` runs on the worker thread. False when the queue is full.
  bool request(Done done);
  std::vector<BackupInfo> list() const { return list_backups(dir_); }
  const std::string& dir() const { return dir_; }
  // SIGHUP: backup.schedule and backup.keep take effect now (the next run is re-armed; the new
  // config is what later backups store). backup.dir and data.dir need a restart.
  // `config` must stay alive (the server keeps reloaded configs until exit).
  void reload(const config::Config& config);

  // One scheduled attempt, synchronously (the worker calls this; tests call it directly).
  // attempt 0 is the scheduled run, 1..kMaxRetries its retries.
  void run_scheduled(int attempt);
  Result<BackupInfo> run_once();  // never throws: a backup that throws is a failed backup

 private:
  struct Shared;
  Result<BackupInfo> run_once_unguarded();
  void arm_next();
  void post_to_worker(std::function<void()> task);
  void worker_loop();

  std::mutex cfg_mu_;
  const config::Config* config_;          // guarded by cfg_mu_
  std::optional<CronSchedule> schedule_;  // guarded by cfg_mu_
  uint64_t generation_ = 0;               // guarded by cfg_mu_; timers of older generations do nothing
  std::shared_ptr<storage::Maintenance> storage_;
  Clock& clock_;
  Executor& executor_;
  std::string version_;
  std::string dir_;
  metrics::Counter& failures_;
  metrics::Counter& successes_;
  metrics::Gauge& last_success_;
  metrics::Gauge& duration_;
  std::shared_ptr<Shared> shared_;  // timers hold it weakly

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread worker_;
  std::mutex backup_mu_;  // one backup at a time
};

}  // namespace headroom::ops
