// Applying one write batch inside the writer's transaction: preconditions, merge patch, the
// document row, its index entries and one change-log row per changed document. Those rows are
// written by write_change_rows, which replay and import (apply.cpp) use too.
#include <algorithm>
#include <boost/json/serialize.hpp>

#include "storage/index_keys.hpp"
#include "storage/json_parse.hpp"
#include "storage/merge_patch.hpp"
#include "storage/sqlite/internal.hpp"

namespace headroom::storage::sqlite {
namespace json = boost::json;
namespace {

Status precondition_failed(std::string msg) { return Status(Code::kFailedPrecondition, std::move(msg)); }

// If-Match / If-None-Match (RFC 9110 §13.1.1-2); a delete of a missing document answers 404
// whatever they say (§13.2.1), so they are not evaluated then.
Status check_http_conditions(const WriteOp& op, const std::optional<Document>& cur) {
  const auto& pre = op.pre;
  if (op.kind == OpKind::kDelete && !cur) return Status::ok();
  if (pre.if_match.present && !(cur && pre.if_match.matches(cur->version))) {
    return precondition_failed(
        "If-Match: document " + op.id +
        (cur ? " is at version " + std::to_string(cur->version) : std::string(" does not exist")));
  }
  if (pre.if_none_match.present && cur && pre.if_none_match.matches(cur->version)) {
    return precondition_failed("If-None-Match: document " + op.id + " exists at version " +
                               std::to_string(cur->version));
  }
  return Status::ok();
}

Status check_precondition(const WriteOp& op, const std::optional<Document>& cur) {
  const auto& pre = op.pre;
  using K = Precondition::Kind;
  if (op.kind == OpKind::kPatch && !cur)
    return not_found("document " + op.collection + "/" + op.id + " does not exist");
  if (Status s = check_http_conditions(op, cur); !s) return s;
  if (pre.kind == K::kExists && !cur) return precondition_failed("document " + op.id + " does not exist");
  if (pre.kind == K::kMissing && cur) return precondition_failed("document " + op.id + " already exists");
  if (pre.kind == K::kVersion && (!cur || cur->version != pre.version)) {
    return precondition_failed("document " + op.id + " is at version " + (cur ? std::to_string(cur->version) : "none") +
                               ", not " + std::to_string(pre.version));
  }
  if (!pre.owner.empty() && cur && cur->owner != pre.owner) {
    return Status(Code::kPermissionDenied, "document " + op.id + " belongs to another user");
  }
  return Status::ok();
}

// The user fields of a stored document; INTERNAL (and nothing written) when they do not parse.
Result<json::object> stored_fields(const std::string& col, const Document& doc) {
  return parse_stored_object(doc.data, "document " + col + "/" + doc.id);
}

Status write_index_diff(Db& db, const std::string& app, const std::string& col, const std::string& id,
                        const std::vector<IndexEntry>& before, const std::vector<IndexEntry>& after) {
  std::vector<IndexEntry> gone, added;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(gone));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
  for (const auto& [name, key] : gone) {
    auto st = db.stmt("DELETE FROM idx WHERE app=?1 AND col=?2 AND name=?3 AND key=?4 AND id=?5");
    if (Status s = st.bind(1, app).bind(2, col).bind(3, name).bind_blob(4, key).bind(5, id).run(); !s) return s;
  }
  for (const auto& [name, key] : added) {
    auto st = db.stmt("INSERT OR REPLACE INTO idx(app, col, name, key, id) VALUES(?1, ?2, ?3, ?4, ?5)");
    if (Status s = st.bind(1, app).bind(2, col).bind(3, name).bind_blob(4, key).bind(5, id).run(); !s) return s;
  }
  return Status::ok();
}

Status put_doc_row(Db& db, const std::string& app, const std::string& col, const Document& d) {
  auto st = db.stmt(
      "INSERT OR REPLACE INTO docs(app, col, id, version, owner, created, updated, data) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  return st.bind(1, app)
      .bind(2, col)
      .bind(3, d.id)
      .bind(4, d.version)
      .bind(5, d.owner)
      .bind(6, d.created_ms)
      .bind(7, d.updated_ms)
      .bind(8, d.data)
      .run();
}

Status delete_doc_row(Db& db, const std::string& app, const std::string& col, const std::string& id) {
  auto st = db.stmt("DELETE FROM docs WHERE app=?1 AND col=?2 AND id=?3");
  return st.bind(1, app).bind(2, col).bind(3, id).run();
}

Status insert_change_row(Db& db, const RowChange& c) {
  auto st = db.stmt("INSERT INTO changes(app, seq, col, id, kind, ts, doc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  return st.bind(1, c.app)
      .bind(2, c.seq)
      .bind(3, c.collection)
      .bind(4, c.doc.id)
      .bind(5, static_cast<int64_t>(c.kind))
      .bind(6, c.ts_ms)
      .bind(7, c.doc_json)
      .run();
}

// The store's own change: the next seq of the app, now, and the document as clients see it.
Status log_change(Txn& t, const std::string& app, const std::string& col, WriteResult& r, const json::object* fields,
                  const std::vector<IndexEntry>& before, const std::vector<IndexDef>& defs) {
  r.seq = ++t.seqs[app];
  Change c{
      app,
      col,
      r.seq,
      r.kind,
      r.doc.id,
      r.kind == ChangeKind::kRemoved ? "{\"_id\":" + json::serialize(json::string(r.doc.id)) + "}" : r.doc.to_json()};
  Status s =
      write_change_rows(t.db, RowChange{app, col, r.kind, r.doc, fields, before, r.seq, t.now_ms, c.doc_json}, defs);
  if (s) t.changes.push_back(std::move(c));
  return s;
}

Result<WriteResult> apply_delete(Txn& t, const std::string& app, const WriteOp& op, std::optional<Document> cur) {
  WriteResult r;
  r.kind = ChangeKind::kRemoved;
  r.doc.id = op.id;
  if (!cur) return r;
  auto old = stored_fields(op.collection, *cur);  // before the first row changes
  if (!old) return old.status();
  r.changed = true;
  r.doc = std::move(*cur);
  const auto defs = t.composites(app, op.collection);
  auto before = index_entries(r.doc, *old, defs);
  if (Status s = log_change(t, app, op.collection, r, nullptr, before, defs); !s) return s;
  return r;
}

// Every check that can fail (precondition, owner, merge patch, size) comes before the first row
// changes: SqliteStore runs one-operation writes without a savepoint of their own.
Result<WriteResult> apply_op(Txn& t, const std::string& app, const WriteOp& op) {
  auto cur = load_doc(t.db, app, op.collection, op.id);
  if (!cur) return cur.status();
  if (Status s = check_precondition(op, *cur); !s) return s;
  if (op.kind == OpKind::kDelete) return apply_delete(t, app, op, std::move(*cur));

  const auto defs = t.composites(app, op.collection);
  const json::object* fields = &op.data;  // a put stores the validated value as it is
  json::object merged;
  std::vector<IndexEntry> before;
  WriteResult r;
  r.changed = true;
  if (*cur) {
    auto old = stored_fields(op.collection, **cur);
    if (!old) return old.status();
    before = index_entries(**cur, *old, defs);
    if (op.kind == OpKind::kPatch) {
      merged = std::move(*old);
      apply_merge_patch(merged, op.data);
      fields = &merged;
    }
    r.kind = ChangeKind::kModified;
    r.doc = std::move(**cur);
    r.doc.version += 1;
  } else {
    r.kind = ChangeKind::kAdded;
    r.doc = Document{op.id, 1, op.owner, t.now_ms, 0, {}};
  }
  r.doc.updated_ms = t.now_ms;
  r.doc.data = json::serialize(*fields);
  if (r.doc.data.size() > t.max_doc_bytes) {
    return Status(Code::kPayloadTooLarge,
                  "document " + op.id + " would exceed " + std::to_string(t.max_doc_bytes) + " bytes");
  }
  if (Status s = log_change(t, app, op.collection, r, fields, before, defs); !s) return s;
  return r;
}

}  // namespace

Status write_change_rows(Db& db, const RowChange& c, const std::vector<IndexDef>& composites) {
  std::vector<IndexEntry> after;
  if (c.kind == ChangeKind::kRemoved) {
    if (Status s = delete_doc_row(db, c.app, c.collection, c.doc.id); !s) return s;
  } else {
    if (Status s = put_doc_row(db, c.app, c.collection, c.doc); !s) return s;
    after = index_entries(c.doc, *c.fields, composites);
  }
  if (Status s = write_index_diff(db, c.app, c.collection, c.doc.id, c.before, after); !s) return s;
  return insert_change_row(db, c);
}

Result<std::optional<Document>> load_doc(Db& db, const std::string& app, const std::string& col,
                                         const std::string& id) {
  auto st = db.stmt("SELECT version, owner, created, updated, data FROM docs WHERE app=?1 AND col=?2 AND id=?3");
  st.bind(1, app).bind(2, col).bind(3, id);
  Status s;
  if (!st.step(s)) {
    if (!s) return s;
    return std::optional<Document>();
  }
  return std::optional<Document>(
      Document{id, st.int64(0), std::string(st.text(1)), st.int64(2), st.int64(3), std::string(st.text(4))});
}

Result<std::vector<WriteResult>> apply_batch(Txn& txn, const WriteBatch& batch) {
  std::vector<WriteResult> out;
  out.reserve(batch.ops.size());
  for (size_t i = 0; i < batch.ops.size(); ++i) {
    auto r = apply_op(txn, batch.app, batch.ops[i]);
    if (!r) {
      const Status& s = r.status();
      return Status(s.code(),
                    batch.ops.size() > 1 ? "operation " + std::to_string(i) + ": " + s.message() : s.message(),
                    "{\"index\":" + std::to_string(i) + "}");
    }
    out.push_back(std::move(*r));
  }
  return out;
}

Result<std::string> backfill_index(Db& db, const std::string& app, const IndexDef& def, const std::string& after,
                                   int limit) {
  auto st = db.stmt(
      "SELECT id, version, owner, created, updated, data FROM docs WHERE app=?1 AND col=?2 AND id>?3 ORDER BY id LIMIT "
      "?4");
  st.bind(1, app).bind(2, def.collection).bind(3, after).bind(4, static_cast<int64_t>(limit));
  std::vector<std::pair<std::string, std::string>> entries;
  std::string last;
  int n = 0;
  Status s;
  std::string key;
  while (st.step(s)) {
    Document d{std::string(st.text(0)), st.int64(1), std::string(st.text(2)), st.int64(3), st.int64(4),
               std::string(st.text(5))};
    auto fields = stored_fields(def.collection, d);
    if (!fields) return fields.status();
    if (composite_key(def, d, *fields, key)) entries.emplace_back(key, d.id);
    last = d.id;
    ++n;
  }
  if (!s) return s;
  for (const auto& [k, id] : entries) {
    auto ins = db.stmt("INSERT OR REPLACE INTO idx(app, col, name, key, id) VALUES(?1, ?2, ?3, ?4, ?5)");
    if (Status e = ins.bind(1, app).bind(2, def.collection).bind(3, "c:" + def.name).bind_blob(4, k).bind(5, id).run();
        !e) {
      return e;
    }
  }
  return n < limit ? std::string() : last;
}

}  // namespace headroom::storage::sqlite
