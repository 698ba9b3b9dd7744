// What a client can observe around a failed fsync and after a power cut (docs/documents.md,
// "What a failed write leaves"), driven by the fault-injecting VFS.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <random>
#include <thread>

#include "storage/sqlite/db.hpp"
#include "storage/sqlite/fault_vfs.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/store_conformance.hpp"

namespace headroom::storage::sqlite {
namespace {
namespace fs = std::filesystem;
using storage::testing::await;
using storage::testing::get_sync;
using storage::testing::put_sync;
using Durability = SqliteOptions::Durability;

std::unique_ptr<SqliteStore> open_store(const std::string& dir, Durability d, const std::string& vfs = kFaultVfsName) {
  fs::create_directories(dir);
  SqliteOptions o;
  o.path = dir + "/headroom.db";
  o.vfs = vfs;
  o.durability = d;
  auto s = SqliteStore::open(o);
  EXPECT_TRUE(s) << s.status().message();
  return s ? std::move(*s) : nullptr;
}

std::string integrity(const std::string& db_path) {
  auto db = Db::open(db_path, "", false);
  if (!db) return db.status().message();
  auto st = (*db)->stmt("PRAGMA integrity_check");
  Status s;
  return st.step(s) ? std::string(st.text(0)) : s.message();
}

bool present(Store& s, const std::string& id) {
  auto r = get_sync(s, "app", "c", id);
  EXPECT_TRUE(r) << id << ": " << r.status().message();
  return r && r->has_value();
}

// What kill -9 leaves on disk: the database and WAL files as they are (no shared memory).
void copy_as_killed(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const char* f : {"headroom.db", "headroom.db-wal"}) {
    if (fs::exists(from + "/" + f)) fs::copy_file(from + "/" + f, to + "/" + f);
  }
}

class DurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = storage::testing::temp_dir("durability"); }
  void TearDown() override {
    fault_vfs_fail_syncs() = false;
    fault_vfs_before_wal_sync(nullptr);
    fault_vfs_power_on();
    fs::remove_all(dir_);
  }
  std::string dir_;
};

// Pipelined: the failed group is already committed in the WAL (visible to new read transactions),
// so from the failure on the store answers no read that might show it — UNAVAILABLE, like writes.
// After a restart it is there: its frames reached the OS, and the close checkpoint (or WAL recovery
// after kill -9) applies every complete transaction in the WAL.
TEST_F(DurabilityTest, PipelinedFailedFsyncWriteIsNeverReadBeforeRestartAndMayBeThereAfter) {
  auto store = open_store(dir_ + "/live", Durability::kPipelined);
  ASSERT_TRUE(put_sync(*store, "app", "c", "before", "{}"));
  fault_vfs_fail_syncs() = true;
  EXPECT_EQ(put_sync(*store, "app", "c", "during", "{}").status().code(), Code::kUnavailable);
  fault_vfs_fail_syncs() = false;
  EXPECT_EQ(get_sync(*store, "app", "c", "during").status().code(), Code::kUnavailable);
  EXPECT_EQ(get_sync(*store, "app", "c", "before").status().code(), Code::kUnavailable);
  EXPECT_EQ(put_sync(*store, "app", "c", "after", "{}").status().code(), Code::kUnavailable);
  EXPECT_NE(store->health(), "");
  copy_as_killed(dir_ + "/live", dir_ + "/killed");
  store->close();

  for (const char* dir : {"/live", "/killed"}) {
    SCOPED_TRACE(dir);
    EXPECT_EQ(integrity(dir_ + dir + "/headroom.db"), "ok");
    auto again = open_store(dir_ + dir, Durability::kPipelined);
    EXPECT_EQ(again->health(), "");
    EXPECT_TRUE(present(*again, "before"));
    EXPECT_TRUE(present(*again, "during"));
    EXPECT_FALSE(present(*again, "after"));
    EXPECT_TRUE(put_sync(*again, "app", "c", "again", "{}"));
  }
}

// Full sync: the fsync runs inside COMMIT before SQLite publishes the commit to readers, so the
// failed write is invisible and reads keep working. Its frames are in the WAL file past the last
// published commit: a clean close checkpoints only published commits and deletes the WAL (gone),
// while WAL recovery after kill -9 finds the complete transaction (there).
TEST_F(DurabilityTest, FullSyncFailedWriteIsInvisibleReadsGoOnAndOnlyACrashMayKeepIt) {
  auto store = open_store(dir_ + "/live", Durability::kFullSync);
  ASSERT_TRUE(put_sync(*store, "app", "c", "before", "{}"));
  fault_vfs_fail_syncs() = true;
  EXPECT_EQ(put_sync(*store, "app", "c", "during", "{}").status().code(), Code::kUnavailable);
  fault_vfs_fail_syncs() = false;
  EXPECT_FALSE(present(*store, "during"));
  EXPECT_TRUE(present(*store, "before"));
  EXPECT_EQ(put_sync(*store, "app", "c", "after", "{}").status().code(), Code::kUnavailable);
  EXPECT_NE(store->health(), "");
  copy_as_killed(dir_ + "/live", dir_ + "/killed");
  store->close();

  auto closed = open_store(dir_ + "/live", Durability::kFullSync);
  EXPECT_TRUE(present(*closed, "before"));
  EXPECT_FALSE(present(*closed, "during"));
  auto killed = open_store(dir_ + "/killed", Durability::kFullSync);
  EXPECT_TRUE(present(*killed, "before"));
  EXPECT_TRUE(present(*killed, "during"));
  EXPECT_FALSE(present(*killed, "after"));
  for (const char* dir : {"/live", "/killed"}) EXPECT_EQ(integrity(dir_ + dir + "/headroom.db"), "ok") << dir;
}

// Holds the next WAL fsync of the store open until released, optionally failing it.
class HeldSync {
 public:
  HeldSync() {
    fault_vfs_before_wal_sync([this] {
      std::unique_lock lk(mu_);
      if (used_) return;
      used_ = entered_ = true;
      cv_.notify_all();
      cv_.wait(lk, [&] { return released_; });
      if (fail_) fault_vfs_fail_syncs() = true;
    });
  }
  ~HeldSync() { fault_vfs_before_wal_sync(nullptr); }
  void wait_entered() {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return entered_; });
  }
  void release(bool fail) {
    std::lock_guard lk(mu_);
    released_ = true;
    fail_ = fail;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool used_ = false, entered_ = false, released_ = false, fail_ = false;
};

// The window the pipelined mode opens: a reader running while a commit's fsync is in flight sees
// the commit; its answer waits for the fsync and fails with it.
void read_during_held_fsync(const std::string& dir, bool fsync_fails) {
  auto store = open_store(dir, Durability::kPipelined);
  ASSERT_TRUE(put_sync(*store, "app", "c", "before", "{}"));
  HeldSync held;
  std::promise<Status> wrote;
  store->write(WriteBatch{"app", {WriteOp{OpKind::kPut, "c", "w", boost::json::object{{"x", 1}}, "o", {}}}},
               [&](Result<std::vector<WriteResult>> r) { wrote.set_value(r.status()); });
  held.wait_entered();  // "w" is committed; its fsync is held
  std::promise<Result<std::optional<Document>>> read;
  store->get("app", "c", "w", [&](Result<std::optional<Document>> r) { read.set_value(std::move(r)); });
  while (store->held_reads() == 0) std::this_thread::yield();  // the reader saw "w"; its answer waits
  auto answer = read.get_future();
  EXPECT_EQ(answer.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  held.release(fsync_fails);
  Status w = wrote.get_future().get();
  auto r = answer.get();
  if (fsync_fails) {
    EXPECT_EQ(w.code(), Code::kUnavailable);
    EXPECT_EQ(r.status().code(), Code::kUnavailable);
  } else {
    EXPECT_TRUE(w) << w.message();
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_TRUE(r->has_value());
  }
  store->close();
}

TEST_F(DurabilityTest, ReadSeeingAnUnsyncedCommitIsAnsweredAfterItsFsync) { read_during_held_fsync(dir_, false); }
TEST_F(DurabilityTest, ReadSeeingAnUnsyncedCommitFailsWhenItsFsyncFails) { read_during_held_fsync(dir_, true); }

// ---- power loss ------------------------------------------------------------------------------

// What one writer had acknowledged when the power went.
struct Acked {
  std::vector<std::string> created;  // ids put (alone or in a batch of three)
  std::vector<std::string> deleted;  // ids created, then deleted
  int64_t counter = -1;              // the last acknowledged value of its counter document
};

void write_until_cut(Store& store, int t, uint32_t seed, const std::atomic<bool>& cut, std::atomic<int>& acks,
                     Acked& acked) {
  std::mt19937 rng(seed * 131 + static_cast<uint32_t>(t));
  const std::string me = std::to_string(t);
  for (int i = 0; !cut.load(); ++i) {
    const std::string id = "t" + me + "-" + std::to_string(i);
    const int kind = static_cast<int>(rng() % 4);
    WriteBatch b{"app", {}};
    if (kind == 0) {
      b.ops.push_back({OpKind::kPut, "c", id, boost::json::object{{"i", i}}, "o", {}});
    } else if (kind == 1) {
      for (int k = 0; k < 3; ++k) b.ops.push_back({OpKind::kPut, "c", id + "-" + std::to_string(k), {}, "o", {}});
    } else if (kind == 2) {
      b.ops.push_back({OpKind::kPatch, "c", "counter" + me, boost::json::object{{"n", i}}, "o", {}});
      if (acked.counter < 0) b.ops[0].kind = OpKind::kPut;
    } else {
      if (acked.created.empty()) continue;
      b.ops.push_back({OpKind::kDelete, "c", acked.created.back(), {}, "o", {}});
    }
    auto r = storage::testing::write_sync(store, b);
    if (!r) {
      // Not acknowledged: it may or may not survive (a checkpoint's own WAL sync may have made it
      // durable), so a failed delete leaves its document's fate open.
      if (kind == 3) acked.created.pop_back();
      continue;
    }
    ++acks;
    if (kind == 2) acked.counter = i;
    if (kind == 3) {
      acked.deleted.push_back(acked.created.back());
      acked.created.pop_back();
    }
    if (kind < 2) {
      for (const auto& op : b.ops) acked.created.push_back(op.id);
    }
  }
}

void check_survivors(Store& store, const std::vector<Acked>& all) {
  for (size_t t = 0; t < all.size(); ++t) {
    for (const auto& id : all[t].created) EXPECT_TRUE(present(store, id)) << "acknowledged " << id << " lost";
    for (const auto& id : all[t].deleted)
      EXPECT_FALSE(present(store, id)) << "acknowledged delete of " << id << " lost";
    if (all[t].counter < 0) continue;
    auto doc = get_sync(store, "app", "c", "counter" + std::to_string(t));
    ASSERT_TRUE(doc && doc->has_value()) << "counter" << t;
    auto n = std::stoll((*doc)->data.substr((*doc)->data.find(':') + 1));
    EXPECT_GE(n, all[t].counter) << "counter" << t << " went back before an acknowledged value";
  }
  // The change log is gap-free from 1 (nothing was trimmed).
  auto changes = await<std::vector<Change>>([&](auto cb) { store.read_changes("app", "", 0, 1 << 30, cb); });
  ASSERT_TRUE(changes);
  for (size_t i = 0; i < changes->size(); ++i) ASSERT_EQ((*changes)[i].seq, static_cast<int64_t>(i + 1));
}

class PowerLossTest : public DurabilityTest, public ::testing::WithParamInterface<Durability> {};

// Many writers, the power cut at a seeded random point (after 1–400 acknowledgements), the store
// reopened on what the disk held: every acknowledged write is there and the file is sound. Small
// checkpoint and WAL-restart bounds put checkpoints and WAL restarts among the cut points.
TEST_P(PowerLossTest, EveryAcknowledgedWriteSurvivesACutAtARandomPoint) {
  constexpr int kWriters = 12, kSeeds = 10;
  for (uint32_t seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::string live = dir_ + "/live" + std::to_string(seed), image = dir_ + "/image" + std::to_string(seed);
    fs::create_directories(live);
    fs::create_directories(image);
    fault_vfs_track_power_loss(true);
    SqliteOptions o;
    o.path = live + "/headroom.db";
    o.vfs = kFaultVfsName;
    o.durability = GetParam();
    o.checkpoint_interval_ms = 3;
    o.wal_restart_frames = 48;
    auto store = SqliteStore::open(o);
    ASSERT_TRUE(store) << store.status().message();
    std::atomic<bool> cut{false};
    std::atomic<int> acks{0};
    std::vector<Acked> acked(kWriters);
    std::vector<std::thread> writers;
    for (int t = 0; t < kWriters; ++t) {
      writers.emplace_back([&, t] { write_until_cut(**store, t, seed, cut, acks, acked[t]); });
    }
    const int cut_after = 1 + static_cast<int>(std::mt19937(seed)() % 400);
    while (acks.load() < cut_after && (*store)->health().empty()) std::this_thread::yield();
    EXPECT_EQ((*store)->health(), "");
    EXPECT_GE(fault_vfs_power_cut(image), 2);  // the database and its WAL
    cut = true;
    for (auto& w : writers) w.join();
    (*store)->close();
    fault_vfs_power_on();

    EXPECT_EQ(integrity(image + "/headroom.db"), "ok");
    auto again = open_store(image, GetParam(), "");
    ASSERT_TRUE(again);
    check_survivors(*again, acked);
    EXPECT_TRUE(put_sync(*again, "app", "c", "after-restart", "{}"));
  }
}

INSTANTIATE_TEST_SUITE_P(Sqlite, PowerLossTest, ::testing::Values(Durability::kPipelined, Durability::kFullSync),
                         [](const auto& info) {
                           return info.param == Durability::kPipelined ? "pipelined" : "full_sync";
                         });

// The model itself: a write that was never synced is gone after the cut, one that was is kept.
TEST_F(DurabilityTest, PowerCutDropsWhatWasNotSynced) {
  fault_vfs_track_power_loss(true);
  SqliteOptions o;
  o.path = dir_ + "/headroom.db";
  o.vfs = kFaultVfsName;
  o.checkpoint_interval_ms = 3'600'000;  // no checkpoint (and its WAL sync) before the cut
  auto opened = SqliteStore::open(o);
  ASSERT_TRUE(opened) << opened.status().message();
  auto& store = *opened;
  ASSERT_TRUE(put_sync(*store, "app", "c", "synced", "{}"));
  HeldSync held;  // the next commit's fsync never completes before the cut
  store->write(WriteBatch{"app", {WriteOp{OpKind::kPut, "c", "unsynced", {}, "o", {}}}}, [](auto) {});
  held.wait_entered();
  fs::create_directories(dir_ + "/image");
  ASSERT_GE(fault_vfs_power_cut(dir_ + "/image"), 2);
  held.release(false);
  store->close();
  fault_vfs_power_on();
  auto again = open_store(dir_ + "/image", Durability::kPipelined, "");
  EXPECT_TRUE(present(*again, "synced"));
  EXPECT_FALSE(present(*again, "unsynced"));
}

}  // namespace
}  // namespace headroom::storage::sqlite
