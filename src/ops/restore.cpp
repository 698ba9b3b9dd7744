#include "ops/restore.hpp"

#include <filesystem>

#include "ops/files.hpp"

namespace headroom::ops {
namespace fs = std::filesystem;
namespace {

Status check_target(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return Status(Code::kFailedPrecondition,
                  "--to " + dir + " is not empty; restore builds a new data directory and never overwrites one");
  }
  return Status::ok();
}

// Where a restore into `to` is built: a hidden sibling, so the final rename stays on one
// filesystem. A leftover one is from a restore that was killed; nothing else uses the name.
std::string staging_dir(const std::string& to) {
  fs::path p = fs::absolute(fs::path(to).lexically_normal());
  if (!p.has_filename()) p = p.parent_path();
  return (p.parent_path() / ("." + p.filename().string() + ".restoring")).string();
}

Status copy_backup_files(const BackupInfo& info, const std::string& dir) {
  if (Status s = copy_file_durable(info.path + "/" + kDbFile, (fs::path(dir) / kDbFile).string()); !s) return s;
  if (Status s =
          copy_file_durable(info.path + "/" + kConfigFile, (fs::path(dir) / "restored-config.toml").string(), 0600);
      !s)
    return s;
  for (const auto& [name, sum] : info.manifest.files) {
    if (name == kDbFile || name == kConfigFile) continue;
    if (name.find('/') != std::string::npos || name.starts_with(".")) continue;  // never outside --to
    if (Status s = copy_file_durable(info.path + "/" + name, (fs::path(dir) / name).string(), 0600); !s) return s;
  }
  return Status::ok();
}

// Builds the whole data directory in `stage`: the backup's files, the replay, the counts.
Status build(storage::Maintenance& storage, const RestoreRequest& r, const std::string& stage, RestoreResult& out) {
  if (Status s = copy_backup_files(out.backup, stage); !s) return s;
  std::string db = (fs::path(stage) / kDbFile).string();
  if (r.until) {
    auto replay = replay_changes(storage, r.source_db, db, *r.until, r.progress);
    if (!replay) return replay.status();
    out.replayed = replay->applied;
  }
  {
    auto restored = storage.open(db, storage::Maintenance::Access::kWrite);
    if (!restored) return restored.status();
    auto seqs = (*restored)->seqs();
    auto docs = (*restored)->document_counts();
    if (!seqs) return seqs.status();
    if (!docs) return docs.status();
    out.seqs = std::move(*seqs);
    out.documents = std::move(*docs);
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(stage, ec)) {
    if (Status s = fsync_path(e.path().string()); !s) return s;
  }
  if (ec) return internal_error("cannot list " + stage + ": " + ec.message());
  return fsync_path(stage);
}

// The one step that makes the restore visible: rename(2) of the finished directory onto `to`
// (absent or empty: rename(2) replaces an empty directory), then the parent's fsync so the rename survives a power cut.
Status publish(const std::string& stage, const std::string& to) {
  std::error_code ec;
  fs::rename(stage, to, ec);
  if (ec) return internal_error("cannot rename " + stage + " to " + to + ": " + ec.message());
  return fsync_path(fs::path(stage).parent_path().string());
}

}  // namespace

// Atomic: everything is built and fsynced in a staging directory beside --to and renamed onto it
// last, so a restore killed at any point leaves --to as it was (absent or empty) and a rerun
// starts over; a finished one leaves it complete.
Result<RestoreResult> restore_backup(storage::Maintenance& storage, const RestoreRequest& r) {
  auto info = find_backup(r.backups_dir, r.backup);
  if (!info) return info.status();
  auto report = verify_backup(storage, info->path);
  if (!report) return report.status();
  if (!report->ok())
    return Status(Code::kFailedPrecondition,
                  "backup " + info->name + " failed verification: " + report->problems.front());
  if (r.until && r.source_db.empty()) return invalid_argument("--until needs the live database (--from-data)");
  if (r.until && !fs::exists(r.source_db)) return not_found("no database at " + r.source_db + " to replay from");
  if (Status s = check_target(r.to_dir); !s) return s;
  const std::string stage = staging_dir(r.to_dir);
  std::error_code ec;
  fs::remove_all(stage, ec);
  fs::create_directories(stage, ec);
  if (ec) return internal_error("cannot create " + stage + ": " + ec.message());
  RestoreResult out{std::move(*info), 0, {}, {}};
  Status s = build(storage, r, stage, out);
  if (s) s = publish(stage, r.to_dir);
  if (!s) {
    fs::remove_all(stage, ec);  // nothing half-restored is left to start on by mistake
    return s;
  }
  return out;
}

std::string startup_database_check(storage::Maintenance& storage, const std::string& db_path) {
  std::error_code ec;
  if (!fs::exists(db_path, ec)) return "";
  auto db = storage.open(db_path, storage::Maintenance::Access::kWrite);
  std::string bad = db ? (*db)->check_integrity(false) : db.status().message();
  if (bad.empty()) return "";
  return "database " + db_path + " is corrupt (" + bad.substr(0, 300) +
         "); refusing to start. Restore it: headroom backup restore BACKUP --to NEW_DIR [--until TIME] "
         "(see docs/recovery.md)";
}

}  // namespace headroom::ops
