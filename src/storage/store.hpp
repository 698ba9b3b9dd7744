#pragma once
// The document store: the one interface the document API talks to. Everything is asynchronous —
// callbacks run on the store's own threads, so network threads never block on disk. An
// implementation (SQLite now, PostgreSQL later) owns durability, the change log, indexes and
// query execution; callers see only these types.
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "storage/change.hpp"
#include "storage/query.hpp"

namespace headroom::storage {

// The entity-tags of one If-Match / If-None-Match header (RFC 9110 §13.1), as document versions.
struct VersionSet {
  bool present = false;                // the header was sent
  bool any = false;                    // "*": any current version
  std::vector<int64_t> versions = {};  // the tags that can name a version ("3"); tags this server never
                                       // issues ("nope", "007", a weak tag under strong comparison) match nothing
  bool matches(int64_t version) const;
};

struct Precondition {
  enum class Kind { kNone, kExists, kMissing, kVersion };
  Kind kind = Kind::kNone;
  int64_t version = 0;  // kVersion: the current version must equal this
  // Non-empty: an existing document must belong to this subject ("owner" write rule).
  std::string owner;
  // HTTP conditional requests (RFC 9110 §13.1.1-2), checked with the kind above. If-Match: the
  // document must exist at one of these versions; If-None-Match: it must not exist at any of them.
  // On a delete of a missing document both are ignored (§13.2.1: the answer is 404 either way).
  VersionSet if_match = {};
  VersionSet if_none_match = {};
};

enum class OpKind { kPut, kPatch, kDelete };

struct WriteOp {
  OpKind kind = OpKind::kPut;
  std::string collection;
  std::string id;
  // The value the route validated, carried as a value (one value, one parse): kPut: the new user
  // fields; kPatch: an RFC 7386 merge patch (its depth bounded by validation); kDelete: unused.
  boost::json::object data;
  std::string owner;  // owner recorded when this op creates the document
  Precondition pre;
};

// Applied atomically: every op or none.
struct WriteBatch {
  std::string app;
  std::vector<WriteOp> ops;
};

struct WriteResult {
  bool changed = false;  // false: a delete of a document that did not exist (no log entry)
  ChangeKind kind = ChangeKind::kAdded;
  int64_t seq = 0;
  Document doc;  // after the write; for removals, the document as it was
};

struct IndexField {
  std::string path;
  bool desc = false;
};

struct IndexDef {
  std::string name;  // derived from collection + fields (index_name())
  std::string collection;
  std::vector<IndexField> fields;
  std::string state;  // "building" | "ready"
};
std::string index_name(const std::string& collection, const std::vector<IndexField>& fields);
// An index's fields as the store keeps them: [["path","asc|desc"], ...] (index_def.cpp).
std::string index_fields_json(const std::vector<IndexField>& fields);
// INTERNAL when the stored text is damaged (it is never client input).
Result<std::vector<IndexField>> parse_index_fields(std::string_view text, const std::string& index);

// What a store counts for its metrics, as plain numbers: the store knows nothing of the metrics
// registry (docs/storage_metrics.* writes these out at scrape time).
struct StoreStats {
  uint64_t commits = 0;           // transactions committed (a group commit is one)
  uint64_t committed_writes = 0;  // write requests acknowledged durable
  // Exceptions caught on the store's threads, by kind of thread ("reader", "writer", ...): reads
  // and writes answered INTERNAL, callbacks that threw. Every kind the store has, zeros included.
  std::vector<std::pair<std::string, uint64_t>> errors_by_thread = {};
};

template <typename T>
using Callback = std::function<void(Result<T>)>;
using StatusCallback = std::function<void(Status)>;

class Store {
 public:
  virtual ~Store() = default;

  // Writes; the callback runs once the batch is durable (or failed and left no trace).
  virtual void write(WriteBatch batch, Callback<std::vector<WriteResult>> done) = 0;
  virtual void get(std::string app, std::string collection, std::string id, Callback<std::optional<Document>> done) = 0;
  virtual void query(Query q, Callback<QueryResult> done) = 0;

  // Composite indexes; single-field indexes exist for every field without asking.
  virtual void create_index(std::string app, IndexDef def, Callback<IndexDef> done) = 0;
  virtual void list_indexes(std::string app, Callback<std::vector<IndexDef>> done) = 0;
  virtual void drop_index(std::string app, std::string name, StatusCallback done) = 0;

  // The change log: changes of `app` (one collection, or all when empty) with seq > after_seq.
  virtual void read_changes(std::string app, std::string collection, int64_t after_seq, int limit,
                            Callback<std::vector<Change>> done) = 0;
  // Called after each commit is durable (on a store thread), once per change, in seq order, and
  // before the writes of that commit are acknowledged to their callers. May be added at any time;
  // keep it short (hand off to another thread): it delays the acknowledgements.
  using ChangeListener = std::function<void(const Change&)>;
  virtual void add_change_listener(ChangeListener fn) = 0;

  // Small durable key/value records (quota counters and other bookkeeping).
  virtual void put_meta(std::string key, std::string value, StatusCallback done) = 0;
  virtual void get_meta_prefix(std::string prefix, Callback<std::vector<std::pair<std::string, std::string>>> done) = 0;

  // Empty when healthy; otherwise why writes fail (e.g. after a failed fsync).
  virtual std::string health() const = 0;
  // Any thread, cheap (read at every metrics scrape).
  virtual StoreStats stats() const = 0;
  // Finishes queued work and stops the threads; later calls fail with UNAVAILABLE.
  virtual void close() = 0;
};

}  // namespace headroom::storage
