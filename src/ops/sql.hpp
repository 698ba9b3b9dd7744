#pragma once
// A minimal SQLite connection for operations work (backups, verify, replay, export). Unlike the
// store's Db it never aborts: a corrupt or foreign file comes back as a Status.
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace headroom::ops {

class Query;

class Conn {
 public:
  enum class Mode { kReadOnly, kReadWrite, kCreate };
  static Result<std::unique_ptr<Conn>> open(const std::string& path, Mode mode);
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn();

  Status exec(const std::string& sql);
  Result<std::unique_ptr<Query>> prepare(const std::string& sql);
  Status error(std::string_view what) const;
  sqlite3* raw() { return db_; }

 private:
  explicit Conn(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

class Query {
 public:
  Query(sqlite3_stmt* s, sqlite3* db) : s_(s), db_(db) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query() { sqlite3_finalize(s_); }

  Query& bind(int i, std::string_view text);
  Query& bind(int i, int64_t v);
  Query& bind_blob(int i, std::string_view bytes);
  bool step(Status& status);  // true: a row; false: done or error (in status)
  Status run();
  void reset() { sqlite3_reset(s_); }
  int64_t int64(int col) const { return sqlite3_column_int64(s_, col); }
  std::string text(int col) const;

 private:
  sqlite3_stmt* s_;
  sqlite3* db_;
};

// Runs a two-column query (text key, integer value), e.g. "SELECT app, seq FROM app_seq".
Result<std::map<std::string, int64_t>> query_map(Conn& conn, const std::string& sql);

// PRAGMA integrity_check (full) or quick_check: "" when the database is sound, else the first problems.
std::string check_database(Conn& conn, bool full);

}  // namespace headroom::ops
