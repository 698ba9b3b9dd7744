#include "ops/backup_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <stdexcept>
#include <thread>

#include "core/manual_executor.hpp"
#include "storage/sqlite/sqlite_maintenance.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/store_conformance.hpp"

namespace headroom::ops {
namespace {
namespace fs = std::filesystem;

class BackupServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = storage::testing::temp_dir("opssvc");
    config_.data.dir = dir_ + "/data";
    config_.backup.schedule = "*/10 * * * *";
    config_.backup.keep = 2;
    fs::create_directories(config_.data.dir);
    storage::sqlite::SqliteOptions o;
    o.path = config_.data.dir + "/headroom.db";
    auto s = storage::sqlite::SqliteStore::open(o);
    ASSERT_TRUE(s);
    ASSERT_TRUE(storage::testing::put_sync(**s, "app", "c", "x", "{}"));
    (*s)->close();
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Waits (bounded) for the worker thread to reach a metric value.
  bool wait_for(const char* metric, double value) {
    for (int i = 0; i < 500; ++i) {
      if (metrics_.value(metric) >= value) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Waits (bounded) until the worker has armed its next timer: advancing the clock before that
  // would pass the next scheduled time with nothing to fire.
  bool wait_armed() {
    for (int i = 0; i < 500; ++i) {
      if (executor_.pending() > 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::string dir_;
  config::Config config_;
  FakeClock clock_{1795761000000};  // 06:30:00Z
  ManualExecutor executor_{clock_};
  metrics::Registry metrics_;
};

TEST_F(BackupServiceTest, RunsOnScheduleKeepsTheNewestAndSetsMetrics) {
  BackupService svc(storage::sqlite::make_maintenance(), config_, clock_, executor_, metrics_, "test");
  svc.start();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(wait_armed()) << i;
    executor_.advance(std::chrono::minutes(10), std::chrono::seconds(1));
    ASSERT_TRUE(wait_for("headroom_backups_total", i)) << i;
  }
  EXPECT_EQ(svc.list().size(), 2u);
  EXPECT_EQ(metrics_.value("headroom_backup_failures_total"), 0);
  EXPECT_GE(metrics_.value("headroom_backup_last_success_timestamp_seconds"), 1795761000.0 + 1800 - 1);
}

TEST_F(BackupServiceTest, AFailedBackupIsCountedAndRetriedWithBackoff) {
  config_.backup.dir = "/proc/headroom-cannot-write-here";
  BackupService svc(storage::sqlite::make_maintenance(), config_, clock_, executor_, metrics_, "test");
  svc.start();
  executor_.advance(std::chrono::minutes(10), std::chrono::seconds(1));
  ASSERT_TRUE(wait_for("headroom_backup_failures_total", 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the retry timer is armed by the worker
  // The first retry waits a minute, the second two.
  executor_.advance(std::chrono::seconds(50), std::chrono::seconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(metrics_.value("headroom_backup_failures_total"), 1) << "retried before its 1 min backoff";
  executor_.advance(std::chrono::seconds(10), std::chrono::seconds(1));
  ASSERT_TRUE(wait_for("headroom_backup_failures_total", 2));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  executor_.advance(std::chrono::seconds(110), std::chrono::seconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(metrics_.value("headroom_backup_failures_total"), 2) << "the second retry did not double its backoff";
  executor_.advance(std::chrono::seconds(10), std::chrono::seconds(1));
  ASSERT_TRUE(wait_for("headroom_backup_failures_total", 3));
  EXPECT_EQ(metrics_.value("headroom_backup_last_success_timestamp_seconds"), 0);
}

TEST_F(BackupServiceTest, AReloadedScheduleReplacesTheArmedOne) {
  config::Config next = config_;       // outlives the service, as the server keeps reloaded configs
  next.backup.schedule = "0 3 * * *";  // 20.5 h away
  BackupService svc(storage::sqlite::make_maintenance(), config_, clock_, executor_, metrics_, "test");
  svc.start();
  svc.reload(next);
  executor_.advance(std::chrono::minutes(30), std::chrono::seconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(metrics_.value("headroom_backups_total"), 0);  // the */10 timer was disarmed
  executor_.advance(std::chrono::hours(20), std::chrono::seconds(10));
  ASSERT_TRUE(wait_for("headroom_backups_total", 1));
}

// Regression (issue 12): std::filesystem throws on a path it cannot even stat (a name longer
// than NAME_MAX); the throw ended the worker thread, i.e. the process. Now it is a failed backup
// and the worker serves the next request.
TEST_F(BackupServiceTest, ABackupThatThrowsIsAFailedBackupAndTheWorkerGoesOn) {
  config_.data.dir = dir_ + "/" + std::string(300, 'd');
  BackupService svc(storage::sqlite::make_maintenance(), config_, clock_, executor_, metrics_, "test");
  svc.start();
  auto failed = std::make_shared<std::promise<Result<BackupInfo>>>();
  ASSERT_TRUE(svc.request([failed](Result<BackupInfo> r) { failed->set_value(std::move(r)); }));
  auto f = failed->get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  auto r = f.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), Code::kInternal);
  EXPECT_EQ(metrics_.value("headroom_backup_failures_total"), 1);
  // A `done` that throws does not end the worker either.
  ASSERT_TRUE(svc.request([](Result<BackupInfo>) { throw std::runtime_error("caller bug"); }));
  auto again = std::make_shared<std::promise<Result<BackupInfo>>>();
  ASSERT_TRUE(svc.request([again](Result<BackupInfo> r) { again->set_value(std::move(r)); }));
  auto g = again->get_future();
  ASSERT_EQ(g.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_FALSE(g.get());
  EXPECT_EQ(metrics_.value("headroom_backup_failures_total"), 3);
}

TEST_F(BackupServiceTest, RejectsAnInvalidSchedule) {
  config_.backup.schedule = "0 25 * * *";
  EXPECT_THROW(BackupService(storage::sqlite::make_maintenance(), config_, clock_, executor_, metrics_, "test"),
               std::runtime_error);
}

}  // namespace
}  // namespace headroom::ops
