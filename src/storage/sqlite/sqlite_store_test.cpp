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

std::unique_ptr<Store> open_sqlite(const std::string& dir, const std::string& vfs = "",
                                   SqliteOptions::Durability durability = SqliteOptions::Durability::kPipelined) {
  SqliteOptions o;
  o.path = dir + "/headroom.db";
  o.vfs = vfs;
  o.durability = durability;
  auto s = SqliteStore::open(o);
  EXPECT_TRUE(s) << s.status().message();
  return s ? std::unique_ptr<Store>(std::move(*s)) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
                         ::testing::Values(StoreFactory{"sqlite", [](const std::string& d) { return open_sqlite(d); }},
                                           StoreFactory{
                                               "sqlite_fault_vfs",
                                               [](const std::string& d) { return open_sqlite(d, kFaultVfsName); }},
                                           StoreFactory{"sqlite_full_sync",
                                                        [](const std::string& d) {
                                                          return open_sqlite(d, kFaultVfsName,
                                                                             SqliteOptions::Durability::kFullSync);
                                                        }}),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Sqlite, QueryConformance,
                         ::testing::Values(StoreFactory{"sqlite", [](const std::string& d) { return open_sqlite(d); }},
                                           StoreFactory{"sqlite_full_sync",
                                                        [](const std::string& d) {
                                                          return open_sqlite(d, "",
                                                                             SqliteOptions::Durability::kFullSync);
                                                        }}),
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

// Group commit: concurrent writers share transactions and fsyncs. Each writer waits for its ack
// before its next write, so its writes need one commit and one WAL fsync each: at least kEach of
// both, and every fsync acknowledges at least one commit.
TEST_F(SqliteStoreTest, ConcurrentWritesShareCommits) {
  SqliteOptions o;
  o.path = dir_ + "/headroom.db";
  o.vfs = kFaultVfsName;
  auto opened = SqliteStore::open(o);
  ASSERT_TRUE(opened) << opened.status().message();
  SqliteStore& store = **opened;
  const uint64_t commits_before = store.commits(), writes_before = store.committed_writes();
  const uint64_t syncs_before = store.wal_syncs();
  constexpr int kWriters = 32, kEach = 50, kWrites = kWriters * kEach;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) ok += put_sync(store, "app", "c", std::to_string(t * 1000 + i), "{}").is_ok();
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(ok.load(), kWrites);
  const uint64_t commits = store.commits() - commits_before, syncs = store.wal_syncs() - syncs_before;
  EXPECT_EQ(store.committed_writes() - writes_before, static_cast<uint64_t>(kWrites));
  EXPECT_GE(syncs, static_cast<uint64_t>(kEach)) << "every acknowledged write waited for an fsync after its commit";
  EXPECT_LE(syncs, commits) << "an fsync acknowledges one commit or more";
  EXPECT_LT(commits, static_cast<uint64_t>(kWrites / 2)) << "writes should share commits";
  store.close();
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

// Under a steady stream of writes the background checkpointer never catches up, so the writer
// empties the WAL itself past `wal_restart_frames` and the file stops growing.
TEST_F(SqliteStoreTest, WalStartsOverOnceLongerThanItsBound) {
  SqliteOptions o;
  o.path = dir_ + "/headroom.db";
  o.wal_restart_frames = 64;
  auto opened = SqliteStore::open(o);
  ASSERT_TRUE(opened);
  SqliteStore& store = **opened;
  const std::string body = "{\"text\":\"" + std::string(3000, 'x') + "\"}";  // about one page per document
  constexpr int kWriters = 8, kEach = 60;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) ok += put_sync(store, "app", "c", std::to_string(t * 1000 + i), body).is_ok();
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(ok.load(), kWriters * kEach);
  EXPECT_GT(store.wal_restarts(), 0u);
  // 480 documents of ~3 KB each appended without a restart would make a WAL of several MB.
  EXPECT_LT(std::filesystem::file_size(o.path + "-wal"), 2u * 1024 * 1024);
  store.close();
  auto again = open_sqlite(dir_);
  for (int t = 0; t < kWriters; ++t) {
    for (int i = 0; i < kEach; i += 7) {
      EXPECT_TRUE(get_sync(*again, "app", "c", std::to_string(t * 1000 + i))->has_value()) << t << "/" << i;
    }
  }
}

// One-operation writes run without a savepoint: a failed precondition must still undo only that
// write (nothing was written before the check) and leave seqs gap-free.
TEST_F(SqliteStoreTest, FailedPreconditionsInOneGroupUndoOnlyThemselves) {
  auto store = open_sqlite(dir_);
  constexpr int kThreads = 16;
  std::vector<std::thread> threads;
  std::atomic<int> created{0}, refused{0}, others{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      WriteBatch b{"app", {WriteOp{OpKind::kPut, "c", "same", boost::json::object{{"by", t}}, "u", {}}}};
      b.ops[0].pre.kind = Precondition::Kind::kMissing;
      auto r = storage::testing::await<std::vector<WriteResult>>([&](auto cb) { store->write(b, cb); });
      (r ? created : refused)++;
      if (!r) {
        EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
      }
      others += put_sync(*store, "app", "c", "own-" + std::to_string(t), "{}").is_ok();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(others.load(), kThreads);
  auto changes =
      storage::testing::await<std::vector<Change>>([&](auto cb) { store->read_changes("app", "", 0, 100, cb); });
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), static_cast<size_t>(kThreads + 1));
  for (size_t i = 0; i < changes->size(); ++i) EXPECT_EQ((*changes)[i].seq, static_cast<int64_t>(i + 1));
}

TEST_F(SqliteStoreTest, ClosedStoreFailsFast) {
  auto store = open_sqlite(dir_);
  store->close();
  EXPECT_EQ(put_sync(*store, "app", "c", "x", "{}").status().code(), Code::kUnavailable);
  EXPECT_EQ(get_sync(*store, "app", "c", "x").status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace headroom::storage::sqlite
