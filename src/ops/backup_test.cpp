// Backups, verify, retention, restore and point-in-time replay against a real SqliteStore.
#include "ops/backup.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "ops/restore.hpp"
#include "storage/sqlite/sqlite_maintenance.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/store_conformance.hpp"

namespace headroom::ops {
namespace {
namespace fs = std::filesystem;
using storage::testing::put_sync;

Status remove_sync(storage::Store& s, const std::string& app, const std::string& col, const std::string& id) {
  std::promise<Status> p;
  storage::WriteBatch b{app, {storage::WriteOp{storage::OpKind::kDelete, col, id, {}, "", {}}}};
  s.write(std::move(b),
          [&](Result<std::vector<storage::WriteResult>> r) { p.set_value(r ? Status::ok() : r.status()); });
  return p.get_future().get();
}

// Every document of a database, system fields included, through the maintenance interface (the
// index entries are compared in storage/sqlite/sqlite_maintenance_test.cpp).
std::map<std::string, std::string> dump(storage::Maintenance& m, const std::string& db) {
  std::map<std::string, std::string> out;
  auto d = m.open(db, storage::Maintenance::Access::kRead);
  EXPECT_TRUE(d) << d.status().message();
  if (!d) return out;
  Status s =
      (*d)->scan_documents({}, [&](const std::string& app, const std::string& col, const storage::Document& doc) {
        out[app + "/" + col + "/" + doc.id] = doc.to_json();
        return Status::ok();
      });
  EXPECT_TRUE(s) << s.message();
  return out;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = storage::testing::temp_dir("ops");
    fs::create_directories(dir_ + "/data");
    storage::sqlite::SqliteOptions o;
    o.path = db();
    auto s = storage::sqlite::SqliteStore::open(o);
    ASSERT_TRUE(s) << s.status().message();
    store_ = std::move(*s);
  }
  void TearDown() override {
    if (store_) store_->close();
    fs::remove_all(dir_);
  }
  std::string db() const { return dir_ + "/data/headroom.db"; }
  std::string backups() const { return dir_ + "/backups"; }
  BackupRequest request() const {
    return BackupRequest{db(), backups(), "[admin]\ntoken = \"s\"\n", "test", {}, 8, {}, nullptr};
  }
  void put(const std::string& id, const std::string& json, const std::string& col = "c") {
    auto r = put_sync(*store_, "app", col, id, json);
    ASSERT_TRUE(r) << r.status().message();
  }

  std::string dir_;
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  std::unique_ptr<storage::Maintenance> maint_ = storage::sqlite::make_maintenance();
};

TEST_F(BackupTest, SnapshotHasManifestChecksumsSecretModeAndVerifies) {
  for (int i = 0; i < 50; ++i) put("d" + std::to_string(i), R"({"n":)" + std::to_string(i) + "}");
  auto b = create_backup(*maint_, request());
  ASSERT_TRUE(b) << b.status().message();
  EXPECT_EQ(b->manifest.documents.at("app"), 50);
  EXPECT_EQ(b->manifest.seqs.at("app"), 50);
  EXPECT_EQ(b->manifest.files.size(), 2u);
  struct stat st {};
  ASSERT_EQ(::stat((b->path + "/config.toml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(b->path + ".tmp"));
  auto v = verify_backup(*maint_, b->path);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok()) << v->problems.front();
  ASSERT_EQ(list_backups(backups()).size(), 1u);
}

TEST_F(BackupTest, VerifyCatchesAFlippedByte) {
  for (int i = 0; i < 20; ++i) put("d" + std::to_string(i), R"({"s":"hello"})");
  auto b = create_backup(*maint_, request());
  ASSERT_TRUE(b);
  {
    std::fstream f(b->path + "/headroom.db", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(5000);
    char c = 0;
    f.seekg(5000);
    f.get(c);
    f.seekp(5000);
    f.put(static_cast<char>(c ^ 0x01));
  }
  auto v = verify_backup(*maint_, b->path);
  ASSERT_TRUE(v);
  ASSERT_FALSE(v->ok());
  EXPECT_NE(v->problems.front().find("headroom.db: sha256"), std::string::npos) << v->problems.front();
}

TEST_F(BackupTest, RetentionKeepsTheNewest) {
  put("a", "{}");
  FakeClock clock;
  auto req = request();
  req.clock = &clock;
  std::vector<std::string> names;
  for (int i = 0; i < 4; ++i) {
    auto b = create_backup(*maint_, req);
    ASSERT_TRUE(b) << b.status().message();
    names.push_back(b->name);
    clock.advance(std::chrono::hours(24));
  }
  auto removed = prune_backups(backups(), 2, clock.unix_ms());
  EXPECT_EQ(removed, (std::vector<std::string>{names[0], names[1]}));
  auto left = list_backups(backups());
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].name, names[2]);
  EXPECT_EQ(left[1].name, names[3]);
}

TEST_F(BackupTest, WritersKeepGoingDuringABackupAndTheSnapshotIsConsistent) {
  for (int i = 0; i < 300; ++i) put("seed" + std::to_string(i), R"({"pad":")" + std::string(3000, 'x') + "\"}");
  std::atomic<bool> stop{false};
  std::atomic<int64_t> max_stall_us{0};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = put_sync(*store_, "app", "load", "w" + std::to_string(i), R"({"i":)" + std::to_string(i) + "}");
      ASSERT_TRUE(r);
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
      if (us > max_stall_us) max_stall_us = us;
      ++written;
    }
  });
  while (written < 20) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto req = request();
  req.pages_per_step = 4;  // many small steps, so writes interleave with the copy
  auto b = create_backup(*maint_, req);
  stop = true;
  writer.join();
  ASSERT_TRUE(b) << b.status().message();
  // Consistent: the documents counted equal the seq recorded (every write adds one document).
  EXPECT_EQ(b->manifest.documents.at("app"), b->manifest.seqs.at("app"));
  auto v = verify_backup(*maint_, b->path);
  ASSERT_TRUE(v && v->ok());
  EXPECT_LT(max_stall_us.load(), 500'000) << "a write stalled during the backup";
}

TEST_F(BackupTest, RestoreRefusesANonEmptyDirectory) {
  put("a", "{}");
  auto b = create_backup(*maint_, request());
  ASSERT_TRUE(b);
  fs::create_directories(dir_ + "/busy");
  std::ofstream(dir_ + "/busy/file") << "x";
  auto r = restore_backup(*maint_, RestoreRequest{b->name, backups(), dir_ + "/busy", std::nullopt, "", {}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("not empty"), std::string::npos);
}

// A restore killed mid-way leaves only its hidden staging directory beside the target: the
// target stays absent, and the next restore clears the leftover and publishes a whole directory.
TEST_F(BackupTest, RestoreBuildsBesideTheTargetAndAKilledOnesLeftoverIsCleared) {
  put("a", "{}");
  auto b = create_backup(*maint_, request());
  ASSERT_TRUE(b);
  const std::string to = dir_ + "/restored";
  fs::create_directories(dir_ + "/.restored.restoring");
  std::ofstream(dir_ + "/.restored.restoring/headroom.db") << "half a copy";
  auto r = restore_backup(*maint_, RestoreRequest{b->name, backups(), to, std::nullopt, "", {}});
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_FALSE(fs::exists(dir_ + "/.restored.restoring"));
  EXPECT_EQ(r->documents.at("app"), 1);
  EXPECT_TRUE(fs::exists(to + "/restored-config.toml"));
  EXPECT_EQ(startup_database_check(*maint_, to + "/headroom.db"), "");
  // A restore that fails (here: no change log to replay from) publishes nothing.
  auto bad = restore_backup(
      *maint_, RestoreRequest{b->name, backups(), dir_ + "/r2", Until{Until::Kind::kSeq, 1}, db() + "-missing", {}});
  EXPECT_FALSE(bad);
  EXPECT_FALSE(fs::exists(dir_ + "/r2"));
  EXPECT_FALSE(fs::exists(dir_ + "/.r2.restoring"));
}

TEST_F(BackupTest, PointInTimeReplayMatchesTheLiveDatabaseAtThatSeq) {
  put("keep", R"({"tags":["a","b"],"n":1})");
  auto b = create_backup(*maint_, request());
  ASSERT_TRUE(b);
  put("keep", R"({"tags":["c"],"n":2})");                 // seq 2: modified
  put("new", R"({"nested":{"x":[1,[2,3]]}})");            // seq 3: added
  ASSERT_TRUE(remove_sync(*store_, "app", "c", "keep"));  // seq 4: removed
  auto live_docs = dump(*maint_, db());
  // Up to seq 3: "keep" at n=2 and "new" exist.
  auto r3 =
      restore_backup(*maint_, RestoreRequest{b->name, backups(), dir_ + "/r3", Until{Until::Kind::kSeq, 3}, db(), {}});
  ASSERT_TRUE(r3) << r3.status().message();
  EXPECT_EQ(r3->replayed, 2);
  EXPECT_EQ(r3->documents.at("app"), 2);
  EXPECT_EQ(r3->seqs.at("app"), 3);
  // Latest: equal to the live database.
  auto all = restore_backup(*maint_, RestoreRequest{b->name, backups(), dir_ + "/all", Until{}, db(), {}});
  ASSERT_TRUE(all) << all.status().message();
  EXPECT_EQ(all->replayed, 3);
  EXPECT_EQ(dump(*maint_, dir_ + "/all/headroom.db"), live_docs);
  auto restored = maint_->open(dir_ + "/all/headroom.db", storage::Maintenance::Access::kRead);
  ASSERT_TRUE(restored);
  EXPECT_EQ((*restored)->check_integrity(true), "");
}

TEST_F(BackupTest, ParseUntil) {
  EXPECT_EQ(parse_until("42")->kind, Until::Kind::kSeq);
  EXPECT_EQ(parse_until("seq:42")->value, 42);
  EXPECT_EQ(parse_until("2026-11-27T06:30:00Z")->value, 1795761000000);
  EXPECT_EQ(parse_until("2026-11-27T06:30:00.25Z")->value, 1795761000250);
  EXPECT_EQ(parse_until("ms:5")->kind, Until::Kind::kTime);
  EXPECT_FALSE(parse_until("yesterday"));
  EXPECT_FALSE(parse_until("2026-11-27T06:30:00+02:00"));
}

// Regression, found by ops_until_fuzz: strptime + timegm rolled impossible times over (second 60
// became the next day's midnight, February 31st became March 3rd), read one-digit fields and
// stopped at an embedded NUL; "-0" was read as seq 0.
TEST_F(BackupTest, ParseUntilRefusesTimesThatDoNotExist) {
  EXPECT_FALSE(parse_until("2026-11-27T23:59:60Z"));
  EXPECT_FALSE(parse_until("2026-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_until("2026-02-31T00:00:00Z"));
  EXPECT_FALSE(parse_until("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_until("2026-1-5T1:2:3Z"));
  EXPECT_FALSE(parse_until(" 2026-11-27T06:30:00Z"));
  EXPECT_FALSE(parse_until(std::string("2026-11-27T06:30:00Z\0junk", 25)));
  EXPECT_FALSE(parse_until("-0"));
  EXPECT_FALSE(parse_until("seq:-5"));
  EXPECT_EQ(parse_until("2028-02-29T00:00:00Z")->value, 1835395200000);
  EXPECT_EQ(parse_until("1970-01-01T00:00:00Z")->value, 0);
  EXPECT_EQ(parse_until("2026-11-27T06:30:00.999+00:00")->value, 1795761000999);
}

// Regression, found by ops_manifest_fuzz (seed format_wraps): the format was narrowed to int
// before the check, so "format": 4294967297 read as format 1 and a foreign manifest passed.
TEST(Manifest, FormatIsCheckedBeforeNarrowing) {
  const std::string rest = R"(,"headroom_version":"x","created_ms":0,"seqs":{},"documents":{},"files":{}})";
  EXPECT_FALSE(Manifest::parse(R"({"format":4294967297)" + rest));
  EXPECT_FALSE(Manifest::parse(R"({"format":-4294967295)" + rest));
  auto ok = Manifest::parse(R"({"format":1)" + rest);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->format, kBackupFormat);
}

TEST_F(BackupTest, StartupCheckFlagsACorruptFile) {
  for (int i = 0; i < 300; ++i) put("d" + std::to_string(i), R"({"pad":")" + std::string(300, 'y') + "\"}");
  store_->close();
  store_.reset();
  EXPECT_EQ(startup_database_check(*maint_, db()), "");
  {
    std::fstream f(db(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 3);
    std::string junk(4096, '\xff');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  std::string msg = startup_database_check(*maint_, db());
  EXPECT_NE(msg.find("is corrupt"), std::string::npos) << msg;
  EXPECT_EQ(startup_database_check(*maint_, dir_ + "/nothing.db"), "");
}

}  // namespace
}  // namespace headroom::ops
