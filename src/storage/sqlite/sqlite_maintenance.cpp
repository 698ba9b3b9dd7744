#include "storage/sqlite/sqlite_maintenance.hpp"

#include "storage/sqlite/internal.hpp"
#include "storage/sqlite/maintenance_internal.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace headroom::storage::sqlite {
namespace {

constexpr const char* kSeqs = "SELECT app, seq FROM app_seq";
constexpr const char* kCounts = "SELECT app, count(*) FROM docs GROUP BY app";

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::unique_ptr<Db> db) : db_(std::move(db)) {}

  Result<AppCounts> seqs() override { return query_counts(*db_, kSeqs); }
  Result<AppCounts> document_counts() override { return query_counts(*db_, kCounts); }

  Status read_change_log(const std::string& app, int64_t after,
                         const std::function<bool(ChangeRecord&)>& visit) override {
    const std::string sql = "SELECT seq, col, id, kind, ts, doc FROM changes WHERE app=?1 AND seq>?2 ORDER BY seq";
    if (Status s = db_->prepare(sql); !s) return s;
    auto st = db_->stmt(sql);
    st.bind(1, app).bind(2, after);
    Status s;
    while (st.step(s)) {
      ChangeRecord c{app,
                     std::string(st.text(1)),
                     std::string(st.text(2)),
                     std::string(st.text(5)),
                     st.int64(0),
                     static_cast<ChangeKind>(st.int64(3)),
                     st.int64(4)};
      if (!visit(c)) break;
    }
    return s;
  }

  Status scan_documents(const DocumentFilter& f, const DocumentVisitor& visit) override {
    // One statement: one read transaction, so one consistent snapshot.
    const std::string sql =
        "SELECT app, col, id, version, owner, created, updated, data FROM docs "
        "WHERE (?1 = '' OR app = ?1) AND (?2 = '' OR col = ?2) ORDER BY app, col, id";
    if (Status s = db_->prepare(sql); !s) return s;
    auto st = db_->stmt(sql);
    st.bind(1, f.app).bind(2, f.collection);
    Status s;
    while (st.step(s)) {
      Document d{std::string(st.text(2)), st.int64(3), std::string(st.text(4)), st.int64(5), st.int64(6),
                 std::string(st.text(7))};
      if (Status v = visit(std::string(st.text(0)), std::string(st.text(1)), d); !v) return v;
    }
    return s;
  }

  Result<std::unique_ptr<ApplyTxn>> begin_apply() override { return sqlite::begin_apply(*db_); }
  std::string check_integrity(bool full) override { return sqlite::check_integrity(*db_, full); }
  Result<SnapshotInfo> snapshot_to(const std::string& dest, const SnapshotOptions& options) override {
    return snapshot(*db_, dest, options);
  }

 private:
  std::unique_ptr<Db> db_;
};

// A new database gets its schema (and journal mode) from the store itself, exactly as the
// server would create it.
Status create_with_store(const std::string& path) {
  SqliteOptions o;
  o.path = path;
  o.readers = 1;
  auto s = SqliteStore::open(o);
  if (!s) return s.status();
  (*s)->close();
  return Status::ok();
}

class SqliteMaintenance final : public Maintenance {
 public:
  Result<std::unique_ptr<Database>> open(const std::string& path, Access access) override {
    if (access == Access::kCreate) {
      if (Status s = create_with_store(path); !s) return s;
    }
    auto db = Db::open(path, "", access == Access::kRead, false);
    if (!db) return db.status();
    return std::unique_ptr<Database>(new SqliteDatabase(std::move(*db)));
  }
};

}  // namespace

Result<AppCounts> query_counts(Db& db, const std::string& sql) {
  if (Status s = db.prepare(sql); !s) return s;
  auto st = db.stmt(sql);
  AppCounts out;
  Status s;
  while (st.step(s)) out[std::string(st.text(0))] = st.int64(1);
  if (!s) return s;
  return out;
}

std::string check_integrity(Db& db, bool full) {
  const std::string sql = full ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)";
  if (Status s = db.prepare(sql); !s) return s.message();
  auto st = db.stmt(sql);
  std::string problems;
  Status s;
  while (st.step(s)) {
    std::string_view line = st.text(0);
    if (line == "ok") continue;
    if (!problems.empty()) problems += "; ";
    problems += line;
  }
  if (!s) return s.message();
  return problems;
}

std::unique_ptr<Maintenance> make_maintenance() { return std::make_unique<SqliteMaintenance>(); }

}  // namespace headroom::storage::sqlite
