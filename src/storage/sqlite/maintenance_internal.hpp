#pragma once
// The pieces of the SQLite maintenance driver (sqlite_maintenance.cpp): counting, integrity
// checks, online snapshots (snapshot.cpp) and whole-document apply (apply.cpp).
#include <string>

#include "storage/maintenance.hpp"
#include "storage/sqlite/db.hpp"

namespace headroom::storage::sqlite {

// A two-column query (text key, integer value), e.g. "SELECT app, seq FROM app_seq".
Result<AppCounts> query_counts(Db& db, const std::string& sql);
// PRAGMA integrity_check (full) or quick_check: "" when sound, else the first problems.
std::string check_integrity(Db& db, bool full);
// Copies `src` with SQLite's online backup API inside one read transaction (snapshot.cpp).
Result<SnapshotInfo> snapshot(Db& src, const std::string& dest, const SnapshotOptions& options);
// BEGIN IMMEDIATE on `db` and an ApplyTxn writing through write.cpp (apply.cpp).
Result<std::unique_ptr<ApplyTxn>> begin_apply(Db& db);

}  // namespace headroom::storage::sqlite
