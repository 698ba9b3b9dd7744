#pragma once
// Online backups of the document database. A backup is a directory <backups dir>/<UTC timestamp>/
// holding headroom.db (a consistent snapshot), config.toml (the effective config, mode 0600: it
// holds secrets) and manifest.json (manifest.hpp). It is built under <name>.tmp, fsynced, and
// renamed only when complete, so a listed backup is always whole.
//
// Consistency without blocking writers: the storage driver copies a consistent online snapshot
// (storage::Database::snapshot_to; SQLite: storage/sqlite/snapshot.cpp says how) and reports the
// change-log seqs of exactly the state it copied, which the manifest records.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/status.hpp"
#include "ops/manifest.hpp"
#include "storage/maintenance.hpp"

namespace headroom::ops {

using Progress = storage::Progress;

std::string database_path(const config::Config& config);  // <data.dir>/headroom.db
std::string backups_dir(const config::Config& config);    // backup.dir, or <data.dir>/backups
// The small files of the data directory a restore needs besides the database (the generated
// development app and admin token: documents belong to that app id). Only those that exist.
std::vector<std::string> data_dir_files(const config::Config& config);

struct BackupRequest {
  std::string db_path;
  std::string backups_dir;
  std::string config_toml;  // config::to_toml(config, false)
  std::string headroom_version;
  std::vector<std::string> extra_files;  // copied as they are (mode 0600), checksummed, restored
  int pages_per_step = 1024;             // 4 MiB per step with 4 KiB pages
  Progress progress;                     // optional
  Clock* clock = nullptr;                // nullptr: SystemClock
};

struct BackupInfo {
  std::string name;  // e.g. 20261127T063000.123Z
  std::string path;
  Manifest manifest;
};

Result<BackupInfo> create_backup(storage::Maintenance& storage, const BackupRequest& request);
// Complete backups in `dir`, oldest first. Directories without a readable manifest are skipped.
std::vector<BackupInfo> list_backups(const std::string& dir);
// Deletes all but the newest `keep` backups (and .tmp leftovers older than an hour); returns
// the names removed.
std::vector<std::string> prune_backups(const std::string& dir, int keep, int64_t now_ms);
// A backup by name (in `dir`) or by path.
Result<BackupInfo> find_backup(const std::string& dir, const std::string& name_or_path);

struct VerifyReport {
  Manifest manifest;
  std::vector<std::string> problems;  // empty: the backup is sound
  bool ok() const { return problems.empty(); }
};
// Re-reads a backup: sha256 of every file, the driver's full integrity check, counts against the
// manifest.
Result<VerifyReport> verify_backup(storage::Maintenance& storage, const std::string& path,
                                   const Progress& progress = {});

}  // namespace headroom::ops
