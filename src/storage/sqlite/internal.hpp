#pragma once
// Pieces of the SQLite store that run on its threads: schema, applying a write batch inside the
// writer's transaction, running a query on a reader connection.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/index_keys.hpp"
#include "storage/sqlite/db.hpp"
#include "storage/store.hpp"

namespace headroom::storage::sqlite {

inline Status unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }

Status create_schema(Db& db);

// What one group-commit transaction accumulates.
struct Txn {
  Db& db;
  int64_t now_ms = 0;
  size_t max_doc_bytes = 1 << 20;
  std::map<std::string, int64_t>& seqs;  // next seq per app, tentative until commit
  std::vector<Change>& changes;          // published after commit
  std::function<std::vector<IndexDef>(const std::string& app, const std::string& col)> composites;
  // Puts back an in-memory change a job made (the index catalogue) if the job's rows are rolled
  // back. Record it before making the change (a throw in between leaves no change unrecorded) and
  // make it harmless should the change not have happened.
  std::vector<std::function<void()>> undo = {};
};

Result<std::vector<WriteResult>> apply_batch(Txn& txn, const WriteBatch& batch);
Status save_seqs(Txn& txn);
Status save_seq(Db& db, const std::string& app, int64_t seq);  // raises app_seq to `seq` (never lowers it)

// One document change as it reaches the tables (write.cpp).
struct RowChange {
  const std::string& app;
  const std::string& collection;
  ChangeKind kind;
  const Document& doc;                    // after the change; for kRemoved only its id is used
  const boost::json::object* fields;      // its user fields; nullptr for kRemoved
  const std::vector<IndexEntry>& before;  // its index entries before the change (sorted)
  int64_t seq;
  int64_t ts_ms;
  const std::string& doc_json;  // the change-log row's document
};
// The one place a document change is written, for the store's writes and for replay and import
// (sqlite_maintenance.cpp) alike: the docs row (or its removal), the index entries that differ
// from `before`, and the change-log row.
Status write_change_rows(Db& db, const RowChange& change, const std::vector<IndexDef>& composites);
std::map<std::string, int64_t> load_seqs(Db& db);

Result<std::optional<Document>> load_doc(Db& db, const std::string& app, const std::string& col, const std::string& id);
Result<QueryResult> run_query(Db& db, const Query& q, const std::vector<IndexDef>& ready);

// Index defs: persisted rows and their in-memory form.
Status save_index(Db& db, const std::string& app, const IndexDef& def);
Status delete_index(Db& db, const std::string& app, const std::string& name);
Result<std::vector<std::pair<std::string, IndexDef>>> load_indexes(Db& db);  // INTERNAL: a damaged row
// Adds entries for up to `limit` documents with id > after; returns the last id done ("" = finished).
Result<std::string> backfill_index(Db& db, const std::string& app, const IndexDef& def, const std::string& after,
                                   int limit);

}  // namespace headroom::storage::sqlite
