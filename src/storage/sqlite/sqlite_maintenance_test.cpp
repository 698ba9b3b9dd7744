// The SQLite maintenance driver against a real SqliteStore: a snapshot plus the replayed change
// log equals the live database row for row (documents, index entries, change log), because
// replay writes through the store's own code; damaged and missing files come back as a Status.
#include "storage/sqlite/sqlite_maintenance.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/sqlite/db.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/store_conformance.hpp"

namespace headroom::storage::sqlite {
namespace {
namespace fs = std::filesystem;
using Access = Maintenance::Access;

// A whole table as text, to compare two databases row for row.
std::map<std::string, std::string> dump(const std::string& path, const std::string& table) {
  auto db = Db::open(path, "", true, false);
  EXPECT_TRUE(db);
  std::map<std::string, std::string> out;
  const std::string sql =
      table == "docs"  ? "SELECT app||'/'||col||'/'||id, version||owner||created||updated||data FROM docs"
      : table == "idx" ? "SELECT app||'/'||col||'/'||name||'/'||hex(key)||'/'||id, '' FROM idx"
                       : "SELECT app||'/'||seq, col||'/'||id||'/'||kind||'/'||ts||'/'||doc FROM changes";
  auto st = (*db)->stmt(sql);
  Status s;
  while (st.step(s)) out[std::string(st.text(0))] = std::string(st.text(1));
  EXPECT_TRUE(s);
  return out;
}

class SqliteMaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::temp_dir("maint");
    SqliteOptions o;
    o.path = live();
    auto s = SqliteStore::open(o);
    ASSERT_TRUE(s) << s.status().message();
    store_ = std::move(*s);
  }
  void TearDown() override {
    if (store_) store_->close();
    fs::remove_all(dir_);
  }
  std::string live() const { return dir_ + "/live.db"; }
  void put(const std::string& id, const std::string& json) {
    auto r = testing::put_sync(*store_, "app", "c", id, json);
    ASSERT_TRUE(r) << r.status().message();
  }
  void remove(const std::string& id) {
    auto r = testing::write_sync(*store_, WriteBatch{"app", {WriteOp{OpKind::kDelete, "c", id, {}, "", {}}}});
    ASSERT_TRUE(r) << r.status().message();
  }

  std::string dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Maintenance> maint_ = make_maintenance();
};

TEST_F(SqliteMaintenanceTest, SnapshotPlusReplayedChangeLogEqualsTheLiveDatabase) {
  auto idx = testing::await<IndexDef>([&](auto cb) {
    store_->create_index("app", {"", "c", {{"n", false}, {"tags", true}}, ""}, cb);
  });
  ASSERT_TRUE(idx) << idx.status().message();
  put("keep", R"({"tags":["a","b"],"n":1})");
  auto src = maint_->open(live(), Access::kWrite);
  ASSERT_TRUE(src) << src.status().message();
  auto snap = (*src)->snapshot_to(dir_ + "/snap.db", SnapshotOptions{8, {}});
  ASSERT_TRUE(snap) << snap.status().message();
  EXPECT_EQ(snap->documents.at("app"), 1);
  const int64_t at = snap->seqs.at("app");
  put("keep", R"({"tags":["c"],"n":2})");             // modified
  put("new", R"({"nested":{"x":[1,[2,3]]},"n":3})");  // added
  remove("keep");                                     // removed
  put("again", R"({"n":4,"tags":"x"})");

  auto dst = maint_->open(dir_ + "/snap.db", Access::kWrite);
  ASSERT_TRUE(dst) << dst.status().message();
  auto txn = (*dst)->begin_apply();
  ASSERT_TRUE(txn) << txn.status().message();
  int64_t last = at;
  Status read = (*src)->read_change_log("app", at, [&](ChangeRecord& c) {
    EXPECT_EQ(c.seq, last + 1);
    last = c.seq;
    EXPECT_TRUE((*txn)->apply(c));
    return true;
  });
  ASSERT_TRUE(read) << read.message();
  ASSERT_TRUE((*txn)->set_seq("app", last));
  ASSERT_TRUE((*txn)->commit());
  for (const char* table : {"docs", "idx", "changes"}) {
    SCOPED_TRACE(table);
    EXPECT_EQ(dump(dir_ + "/snap.db", table), dump(live(), table));
  }
  EXPECT_EQ((*dst)->seqs()->at("app"), last);
  EXPECT_EQ((*dst)->check_integrity(true), "");
}

TEST_F(SqliteMaintenanceTest, AnUncommittedApplyLeavesNothing) {
  auto db = maint_->open(dir_ + "/new.db", Access::kCreate);
  ASSERT_TRUE(db) << db.status().message();
  {
    auto txn = (*db)->begin_apply();
    ASSERT_TRUE(txn);
    ChangeRecord c{"app", "c", "x", R"({"_id":"x","_version":3,"v":1})", 1};
    ASSERT_TRUE((*txn)->apply(c));
    EXPECT_EQ(c.kind, ChangeKind::kAdded);
  }
  EXPECT_TRUE((*db)->document_counts()->empty());
  EXPECT_TRUE((*db)->seqs()->empty());
}

TEST_F(SqliteMaintenanceTest, DamagedAndMissingFilesAreAStatusNotACrash) {
  EXPECT_FALSE(maint_->open(dir_ + "/missing.db", Access::kRead));
  EXPECT_FALSE(maint_->open(dir_ + "/missing.db", Access::kWrite));
  EXPECT_FALSE(fs::exists(dir_ + "/missing.db"));
  std::ofstream(dir_ + "/junk.db") << std::string(8192, 'j');
  auto junk = maint_->open(dir_ + "/junk.db", Access::kRead);
  ASSERT_TRUE(junk);  // SQLite reads the header lazily
  EXPECT_NE((*junk)->check_integrity(false), "");
  EXPECT_FALSE((*junk)->seqs());
  EXPECT_FALSE((*junk)->document_counts());
  EXPECT_FALSE((*junk)->begin_apply());
  EXPECT_FALSE((*junk)->scan_documents({}, [](auto&, auto&, auto&) { return Status::ok(); }));
}

}  // namespace
}  // namespace headroom::storage::sqlite
