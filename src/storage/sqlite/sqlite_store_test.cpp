#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "storage/sqlite/fault_vfs.hpp"
#include "storage/store_conformance.hpp"

namespace headroom::storage::sqlite {
namespace {

using storage::testing::get_sync;
using storage::testing::put_sync;
using storage::testing::QueryConformance;
using storage::testing::StoreConformance;
using storage::testing::StoreFactory;

std::unique_ptr<Store> open_sqlite(const std::string& dir, const std::string& vfs = "") {
  SqliteOptions o;
  o.path = dir + "/headroom.db";
  o.vfs = vfs;
  auto s = SqliteStore::open(o);
  EXPECT_TRUE(s) << s.status().message();
  return s ? std::unique_ptr<Store>(std::move(*s)) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
                         ::testing::Values(StoreFactory{"sqlite", [](const std::string& d) { return open_sqlite(d); }},
                                           StoreFactory{
                                               "sqlite_fault_vfs",
                                               [](const std::string& d) { return open_sqlite(d, kFaultVfsName); }}),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Sqlite, QueryConformance,
                         ::testing::Values(StoreFactory{"sqlite", [](const std::string& d) { return open_sqlite(d); }}),
                         [](const auto& info) { return info.param.name; });

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = storage::testing::temp_dir("sqlite"); }
  void TearDown() override {
    fault_vfs_fail_syncs() = false;
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(SqliteStoreTest, FailedFsyncFailsTheWriteAndEveryLaterOneUntilReopened) {
  auto store = open_sqlite(dir_, kFaultVfsName);
  ASSERT_TRUE(put_sync(*store, "app", "c", "before", "{}"));
  fault_vfs_fail_syncs() = true;
  auto failed = put_sync(*store, "app", "c", "during", "{}");
  EXPECT_EQ(failed.status().code(), Code::kUnavailable);
  fault_vfs_fail_syncs() = false;
  EXPECT_EQ(put_sync(*store, "app", "c", "after", "{}").status().code(), Code::kUnavailable);
  EXPECT_FALSE(store->health().empty());
  EXPECT_TRUE(get_sync(*store, "app", "c", "before")->has_value());  // reads still work
  store->close();
  store = open_sqlite(dir_, kFaultVfsName);
  EXPECT_TRUE(store->health().empty());
  EXPECT_TRUE(get_sync(*store, "app", "c", "before")->has_value());
  EXPECT_FALSE(get_sync(*store, "app", "c", "after")->has_value());
  ASSERT_TRUE(put_sync(*store, "app", "c", "again", "{}"));
}

TEST_F(SqliteStoreTest, ConcurrentWritesShareCommits) {
  auto store = open_sqlite(dir_, kFaultVfsName);
  long syncs_before = fault_vfs_sync_count().load();
  constexpr int kWriters = 32, kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) ok += put_sync(*store, "app", "c", std::to_string(t * 1000 + i), "{}").is_ok();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kWriters * kEach);
  // One WAL fsync acknowledges every group committed before it: far fewer fsyncs than writes.
  EXPECT_LT(fault_vfs_sync_count().load() - syncs_before, kWriters * kEach / 2) << "group commit should batch";
}

TEST_F(SqliteStoreTest, ChangeLogIsTrimmedByAgeButSeqsKeepGrowing) {
  FakeClock clock;
  SqliteOptions o;
  o.path = dir_ + "/headroom.db";
  o.clock = &clock;
  o.change_retention_ms = 3600 * 1000;
  auto store = SqliteStore::open(o);
  ASSERT_TRUE(store);
  ASSERT_TRUE(put_sync(**store, "app", "c", "old", "{}"));
  clock.advance(std::chrono::hours(2));
  ASSERT_TRUE(put_sync(**store, "app", "c", "new", "{}"));  // after this commit, a trim is queued
  ASSERT_TRUE(put_sync(**store, "app", "c", "newer", "{}"));
  auto changes =
      storage::testing::await<std::vector<Change>>([&](auto cb) { (*store)->read_changes("app", "", 0, 100, cb); });
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ(changes->front().seq, 2);
  EXPECT_EQ(changes->front().id, "new");
  (*store)->close();
}

TEST_F(SqliteStoreTest, ClosedStoreFailsFast) {
  auto store = open_sqlite(dir_);
  store->close();
  EXPECT_EQ(put_sync(*store, "app", "c", "x", "{}").status().code(), Code::kUnavailable);
  EXPECT_EQ(get_sync(*store, "app", "c", "x").status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace headroom::storage::sqlite
