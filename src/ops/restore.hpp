#pragma once
// Restore: builds a NEW data directory from a backup (never writes into a non-empty directory,
// so a live one cannot be overwritten), optionally replaying the live change log up to a point.
// Atomic: built and fsynced in a hidden sibling (.<name>.restoring), then renamed onto the target,
// so a restore killed at any point leaves the target as it was and a rerun starts over.
#include <map>
#include <optional>
#include <string>

#include "core/status.hpp"
#include "ops/backup.hpp"
#include "ops/replay.hpp"

namespace headroom::ops {

struct RestoreRequest {
  std::string backup;  // a backup name (in backups_dir) or a path
  std::string backups_dir;
  std::string to_dir;          // must not exist or be empty
  std::optional<Until> until;  // set: replay from source_db's change log
  std::string source_db;       // the live database (required with until)
  Progress progress;
};

struct RestoreResult {
  BackupInfo backup;
  int64_t replayed = 0;
  std::map<std::string, int64_t> seqs;       // app → seq of the restored database
  std::map<std::string, int64_t> documents;  // app → documents in the restored database
};

Result<RestoreResult> restore_backup(storage::Maintenance& storage, const RestoreRequest& request);

// Opens the database file (if it exists) and runs the driver's quick integrity check (SQLite:
// PRAGMA quick_check): "" when sound or absent, otherwise a message saying what is wrong and how
// to recover.
std::string startup_database_check(storage::Maintenance& storage, const std::string& db_path);

}  // namespace headroom::ops
