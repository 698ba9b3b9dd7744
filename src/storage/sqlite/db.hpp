#pragma once
// One SQLite connection with a prepared-statement cache. Not thread-safe: each store thread owns
// its own Db.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace headroom::storage::sqlite {

// A cached statement, reset and unbound when the handle goes out of scope.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  Stmt& bind(int i, std::string_view text);
  Stmt& bind_blob(int i, std::string_view bytes);
  Stmt& bind(int i, int64_t v);
  // true: a row is available; false: done. Errors come back through `status`.
  bool step(Status& status);
  Status run();  // steps to completion

  int64_t int64(int col) const;
  std::string_view text(int col) const;
  std::string_view blob(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3_stmt* s_;
};

class Db {
 public:
  // create: a missing file is created (read-write only); otherwise opening it fails.
  static Result<std::unique_ptr<Db>> open(const std::string& path, const std::string& vfs, bool read_only,
                                          bool create = true);
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  Status exec(const std::string& sql);
  // A statement from the cache (prepared on first use). Aborts on invalid SQL: a programming error.
  Stmt stmt(const std::string& sql);
  // Prepares `sql` into the cache, failing instead of aborting: for files that may be damaged or
  // foreign (maintenance). stmt(sql) is then safe.
  Status prepare(const std::string& sql);
  Status error(std::string_view what) const;
  sqlite3* raw() { return db_; }
  int64_t total_changes() const;  // rows changed by this connection since it opened
  // Keeps wal_frames() up to date (a wal hook; PRAGMA wal_autocheckpoint replaces it, so call after).
  void watch_wal();
  // Frames in the WAL after this connection's last commit (0 before any, or without watch_wal).
  int wal_frames() const { return wal_frames_; }
  // PASSIVE checkpoint on this connection; true when every WAL frame is now in the database file,
  // so the next write transaction starts the WAL over from its beginning.
  bool checkpoint_all();

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  int wal_frames_ = 0;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace headroom::storage::sqlite
