#include "ops/restore.hpp"

#include <filesystem>

#include "ops/files.hpp"
#include "ops/sql.hpp"

namespace headroom::ops {
namespace fs = std::filesystem;
namespace {

Status prepare_target(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return Status(Code::kFailedPrecondition,
                  "--to " + dir + " is not empty; restore builds a new data directory and never overwrites one");
  }
  fs::create_directories(dir, ec);
  if (ec) return internal_error("cannot create " + dir + ": " + ec.message());
  return Status::ok();
}

}  // namespace

Result<RestoreResult> restore_backup(const RestoreRequest& r) {
  auto info = find_backup(r.backups_dir, r.backup);
  if (!info) return info.status();
  auto report = verify_backup(info->path);
  if (!report) return report.status();
  if (!report->ok())
    return Status(Code::kFailedPrecondition,
                  "backup " + info->name + " failed verification: " + report->problems.front());
  if (r.until && r.source_db.empty()) return invalid_argument("--until needs the live database (--from-data)");
  if (r.until && !fs::exists(r.source_db)) return not_found("no database at " + r.source_db + " to replay from");
  if (Status s = prepare_target(r.to_dir); !s) return s;
  std::string db = (fs::path(r.to_dir) / kDbFile).string();
  if (Status s = copy_file_durable(info->path + "/" + kDbFile, db); !s) return s;
  if (Status s = copy_file_durable(info->path + "/" + kConfigFile,
                                   (fs::path(r.to_dir) / "restored-config.toml").string(), 0600);
      !s)
    return s;
  for (const auto& [name, sum] : info->manifest.files) {
    if (name == kDbFile || name == kConfigFile) continue;
    if (name.find('/') != std::string::npos || name.starts_with(".")) continue;  // never outside --to
    if (Status s = copy_file_durable(info->path + "/" + name, (fs::path(r.to_dir) / name).string(), 0600); !s) return s;
  }
  RestoreResult out{std::move(*info), 0, {}, {}};
  if (r.until) {
    auto replay = replay_changes(r.source_db, db, *r.until, r.progress);
    if (!replay) {
      std::error_code ec;
      fs::remove_all(r.to_dir, ec);  // nothing half-restored is left to start on by mistake
      return replay.status();
    }
    out.replayed = replay->applied;
  }
  auto conn = Conn::open(db, Conn::Mode::kReadWrite);
  if (!conn) return conn.status();
  auto seqs = query_map(**conn, "SELECT app, seq FROM app_seq");
  auto docs = query_map(**conn, "SELECT app, count(*) FROM docs GROUP BY app");
  if (!seqs) return seqs.status();
  if (!docs) return docs.status();
  out.seqs = std::move(*seqs);
  out.documents = std::move(*docs);
  conn->reset();
  if (Status s = fsync_path(db); !s) return s;
  if (Status s = fsync_path(r.to_dir); !s) return s;
  return out;
}

std::string startup_database_check(const std::string& db_path) {
  std::error_code ec;
  if (!fs::exists(db_path, ec)) return "";
  auto conn = Conn::open(db_path, Conn::Mode::kReadWrite);
  std::string bad = conn ? check_database(**conn, false) : conn.status().message();
  if (bad.empty()) return "";
  return "database " + db_path + " is corrupt (" + bad.substr(0, 300) +
         "); refusing to start. Restore it: headroom backup restore BACKUP --to NEW_DIR [--until TIME] "
         "(see docs/recovery.md)";
}

}  // namespace headroom::ops
