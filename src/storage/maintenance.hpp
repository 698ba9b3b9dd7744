#pragma once
// What operations work (backups, verify, restore, point-in-time replay, export/import: src/ops)
// needs from a storage driver, without SQL. The live server talks to Store (store.hpp); these run
// synchronously on the caller's thread, against a database that may not be served at all (a
// backup file, a restore being built). SQLite implements them in sqlite/sqlite_maintenance.*; a
// PostgreSQL driver implements the same, so an export from one driver imports into the other.
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/status.hpp"
#include "storage/document.hpp"
#include "storage/store.hpp"

namespace headroom::storage {

using Progress = std::function<void(uint64_t done, uint64_t total)>;
using AppCounts = std::map<std::string, int64_t>;  // app → a count or a seq

// One whole-document change as the change log keeps it: what replay reads, and what replay and
// import apply (system fields included).
struct ChangeRecord {
  std::string app, collection, id;
  std::string doc_json;  // the document as clients see it (system + user fields); {"_id"} for removals
  int64_t seq = 0;
  std::optional<ChangeKind> kind = std::nullopt;  // unset: added or modified, whichever applies
  int64_t ts_ms = 0;                              // Unix ms of the change
  // The parsed `doc_json`, when the caller has it (import validated it): applied as it is.
  // Without it (replay of rows the server wrote) `doc_json` is parsed as stored text.
  std::optional<boost::json::object> value = std::nullopt;
};

struct DocumentFilter {
  std::string app;         // empty: all apps
  std::string collection;  // empty: all collections
};

// One transaction of whole-document writes. Destroyed without commit(): rolled back.
class ApplyTxn {
 public:
  virtual ~ApplyTxn() = default;
  // Writes the document exactly as the store does: its row (removed for kRemoved), its index
  // entries and its change-log row at `seq`. Sets `kind` when it was unset.
  virtual Status apply(ChangeRecord& change) = 0;
  // Raises the app's change-log seq to `seq`: the server's next write there gets seq + 1.
  virtual Status set_seq(const std::string& app, int64_t seq) = 0;
  virtual Status commit() = 0;
};

struct SnapshotOptions {
  int pages_per_step = 1024;  // how much is copied between progress reports (SQLite: pages)
  Progress progress;          // optional
};
struct SnapshotInfo {
  AppCounts seqs;       // change-log seq per app at the snapshot
  AppCounts documents;  // documents per app in the snapshot
};

// One database, opened for maintenance. Not thread-safe.
class Database {
 public:
  virtual ~Database() = default;
  virtual Result<AppCounts> seqs() = 0;             // app → last change-log seq
  virtual Result<AppCounts> document_counts() = 0;  // app → documents
  // The app's change-log entries with seq > after, oldest first, until `visit` returns false.
  virtual Status read_change_log(const std::string& app, int64_t after,
                                 const std::function<bool(ChangeRecord&)>& visit) = 0;
  // The matching documents of one consistent snapshot, ordered by app, collection, id, until
  // `visit` returns a failure (which is returned).
  using DocumentVisitor = std::function<Status(const std::string& app, const std::string& collection, const Document&)>;
  virtual Status scan_documents(const DocumentFilter& filter, const DocumentVisitor& visit) = 0;
  virtual Result<std::unique_ptr<ApplyTxn>> begin_apply() = 0;
  // "" when the database is sound, else its first problems. full: checks everything; otherwise
  // a quicker structural check (the one at startup).
  virtual std::string check_integrity(bool full) = 0;
  // Copies a consistent online snapshot of this (live) database to a new file at `dest`: writers
  // go on meanwhile, and the seqs are those of the state copied. The copy is one self-contained file.
  virtual Result<SnapshotInfo> snapshot_to(const std::string& dest, const SnapshotOptions& options) = 0;
};

// A storage driver's maintenance side: opens databases by location (SQLite: a file path).
class Maintenance {
 public:
  enum class Access {
    kRead,    // reads only; the database must exist
    kWrite,   // reads and writes; the database must exist
    kCreate,  // reads and writes; created with the store's schema when missing
  };
  virtual ~Maintenance() = default;
  virtual Result<std::unique_ptr<Database>> open(const std::string& location, Access access) = 0;
};

}  // namespace headroom::storage
