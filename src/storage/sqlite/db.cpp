#include "storage/sqlite/db.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>

namespace headroom::storage::sqlite {

Stmt::~Stmt() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

Stmt& Stmt::bind(int i, std::string_view text) {
  sqlite3_bind_text(s_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind_blob(int i, std::string_view bytes) {
  sqlite3_bind_blob(s_, i, bytes.empty() ? "" : bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}

bool Stmt::step(Status& status) {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    status = Status(Code::kUnavailable, std::string("storage error: ") + sqlite3_errmsg(sqlite3_db_handle(s_)));
  }
  return false;
}

Status Stmt::run() {
  Status st;
  while (step(st)) {
  }
  return st;
}

int64_t Stmt::int64(int col) const { return sqlite3_column_int64(s_, col); }

std::string_view Stmt::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  return p ? std::string_view(p, sqlite3_column_bytes(s_, col)) : std::string_view();
}

std::string_view Stmt::blob(int col) const {
  auto* p = static_cast<const char*>(sqlite3_column_blob(s_, col));
  return p ? std::string_view(p, sqlite3_column_bytes(s_, col)) : std::string_view();
}

bool Stmt::is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

Result<std::unique_ptr<Db>> Db::open(const std::string& path, const std::string& vfs, bool read_only, bool create) {
  sqlite3* db = nullptr;
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)) |
              SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status(Code::kUnavailable, "cannot open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<Db>(new Db(db));
}

void Db::watch_wal() {
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<Db*>(self)->wal_frames_ = frames;
        return SQLITE_OK;
      },
      this);
}

int64_t Db::total_changes() const { return sqlite3_total_changes64(db_); }

bool Db::checkpoint_all() {
  int log = -1, done = -1;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
  if (rc != SQLITE_OK || log != done) return false;
  wal_frames_ = 0;
  return true;
}

Db::~Db() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  sqlite3_close(db_);
}

Status Db::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    Status st(Code::kUnavailable, "storage error: " + std::string(err ? err : "?") + " in: " + sql.substr(0, 60));
    sqlite3_free(err);
    return st;
  }
  return Status::ok();
}

Stmt Db::stmt(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "FATAL: bad SQL %s: %s\n", sql.c_str(), sqlite3_errmsg(db_));
      std::abort();
    }
    it = cache_.emplace(sql, s).first;
  }
  return Stmt(it->second);
}

Status Db::prepare(const std::string& sql) {
  if (cache_.count(sql)) return Status::ok();
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
    return error("prepare '" + sql.substr(0, 60) + "'");
  }
  cache_.emplace(sql, s);
  return Status::ok();
}

Status Db::error(std::string_view what) const {
  return Status(Code::kUnavailable, std::string(what) + ": " + sqlite3_errmsg(db_));
}

}  // namespace headroom::storage::sqlite
