// Online snapshots of a live database (storage/maintenance.hpp Database::snapshot_to).
//
// Consistency without blocking writers: the file is copied with SQLite's online backup API from a
// connection that holds one read transaction for the whole copy. In WAL mode a reader never
// blocks the writer, so writes continue at full speed; the copy sees exactly the state at its
// start (and the change-log seqs are read in the same transaction). The cost is that checkpoints
// cannot recycle the WAL past that snapshot while the copy runs, so the WAL grows by the writes
// made meanwhile.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "storage/sqlite/maintenance_internal.hpp"

namespace headroom::storage::sqlite {
namespace {

// Steps the backup to its end, flushing the copy as it goes.
int copy_pages(sqlite3_backup* b, sqlite3* dest, const SnapshotOptions& o) {
  // Flushing the copy every few steps keeps the dirty page cache small, so the one big writeback
  // at the end cannot stall the live database's WAL fsyncs behind it (measured: bench/).
  int sync_fd = ::open(sqlite3_db_filename(dest, "main"), O_RDONLY | O_CLOEXEC);
  int rc = SQLITE_OK;
  for (int step = 1; rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED; ++step) {
    rc = sqlite3_backup_step(b, o.pages_per_step);
    if (sync_fd >= 0 && step % 4 == 0) ::fdatasync(sync_fd);
    if (o.progress) {
      int total = sqlite3_backup_pagecount(b);
      o.progress(static_cast<uint64_t>(total - sqlite3_backup_remaining(b)), static_cast<uint64_t>(total));
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(5);
  }
  if (sync_fd >= 0) ::close(sync_fd);
  return rc;
}

// Copies the database inside one read transaction of `src`.
Status copy_snapshot(Db& src, Db& dest, const SnapshotOptions& o, AppCounts& seqs) {
  if (Status s = src.exec("BEGIN"); !s) return s;
  auto seq = query_counts(src, "SELECT app, seq FROM app_seq");  // starts the read transaction
  if (!seq) {
    (void)src.exec("ROLLBACK");
    return seq.status();
  }
  seqs = std::move(*seq);
  sqlite3_backup* b = sqlite3_backup_init(dest.raw(), "main", src.raw(), "main");
  if (!b) {
    (void)src.exec("ROLLBACK");
    return dest.error("backup init");
  }
  int rc = copy_pages(b, dest.raw(), o);
  sqlite3_backup_finish(b);
  (void)src.exec("COMMIT");
  if (rc != SQLITE_DONE) return Status(Code::kUnavailable, std::string("backup step: ") + sqlite3_errstr(rc));
  return Status::ok();
}

}  // namespace

Result<SnapshotInfo> snapshot(Db& src, const std::string& dest_path, const SnapshotOptions& o) {
  auto dest = Db::open(dest_path, "", false);
  if (!dest) return dest.status();
  SnapshotInfo info;
  if (Status s = copy_snapshot(src, **dest, o, info.seqs); !s) return s;
  // A snapshot is one self-contained file: no WAL beside it.
  if (Status s = (*dest)->exec("PRAGMA journal_mode=DELETE"); !s) return s;
  auto counts = query_counts(**dest, "SELECT app, count(*) FROM docs GROUP BY app");
  if (!counts) return counts.status();
  info.documents = std::move(*counts);
  return info;
}

}  // namespace headroom::storage::sqlite
