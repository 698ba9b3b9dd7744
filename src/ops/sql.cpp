#include "ops/sql.hpp"

namespace headroom::ops {

Result<std::unique_ptr<Conn>> Conn::open(const std::string& path, Mode mode) {
  sqlite3* db = nullptr;
  int flags = mode == Mode::kReadOnly    ? SQLITE_OPEN_READONLY
              : mode == Mode::kReadWrite ? SQLITE_OPEN_READWRITE
                                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status(Code::kUnavailable, "cannot open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<Conn>(new Conn(db));
}

Conn::~Conn() { sqlite3_close_v2(db_); }

Status Conn::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    Status st(Code::kUnavailable, std::string(err ? err : sqlite3_errmsg(db_)) + " (in: " + sql.substr(0, 60) + ")");
    sqlite3_free(err);
    return st;
  }
  return Status::ok();
}

Result<std::unique_ptr<Query>> Conn::prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    return error("prepare '" + sql.substr(0, 60) + "'");
  }
  return std::make_unique<Query>(s, db_);
}

Status Conn::error(std::string_view what) const {
  return Status(Code::kUnavailable, std::string(what) + ": " + sqlite3_errmsg(db_));
}

Query& Query::bind(int i, std::string_view text) {
  sqlite3_bind_text(s_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Query& Query::bind(int i, int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}

Query& Query::bind_blob(int i, std::string_view bytes) {
  sqlite3_bind_blob(s_, i, bytes.empty() ? "" : bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

bool Query::step(Status& status) {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status = Status(Code::kUnavailable, std::string("sqlite: ") + sqlite3_errmsg(db_));
  return false;
}

Status Query::run() {
  Status s;
  while (step(s)) {
  }
  sqlite3_reset(s_);
  return s;
}

std::string Query::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
}

Result<std::map<std::string, int64_t>> query_map(Conn& conn, const std::string& sql) {
  auto q = conn.prepare(sql);
  if (!q) return q.status();
  std::map<std::string, int64_t> out;
  Status s;
  while ((*q)->step(s)) out[(*q)->text(0)] = (*q)->int64(1);
  if (!s) return s;
  return out;
}

std::string check_database(Conn& conn, bool full) {
  auto q = conn.prepare(full ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)");
  if (!q) return q.status().message();
  std::string problems;
  Status s;
  while ((*q)->step(s)) {
    std::string line = (*q)->text(0);
    if (line == "ok") continue;
    if (!problems.empty()) problems += "; ";
    problems += line;
  }
  if (!s) return s.message();
  return problems;
}

}  // namespace headroom::ops
