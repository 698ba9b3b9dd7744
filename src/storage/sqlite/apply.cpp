// Whole-document writes for point-in-time replay and import (storage/maintenance.hpp ApplyTxn):
// a document with its system fields becomes the same rows a store write makes, written by the
// same code (write_change_rows in write.cpp).
#include <boost/json/serialize.hpp>
#include <map>
#include <utility>

#include "storage/index_keys.hpp"
#include "storage/json_parse.hpp"
#include "storage/sqlite/internal.hpp"
#include "storage/sqlite/maintenance_internal.hpp"

namespace headroom::storage::sqlite {
namespace json = boost::json;
namespace {

// The change's document as a value: the one its caller validated, else its stored text parsed.
Result<json::object> change_doc(ChangeRecord& c) {
  if (c.value) return std::move(*c.value);
  return parse_stored_object(c.doc_json, "change of " + c.collection + "/" + c.id);
}

int64_t int_field(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return 0;
}

// The row of a document as clients see it: system fields into columns, the user's fields moved
// into `user` (object::erase does not keep the order).
Document to_row(const std::string& id, json::object& o, json::object& user) {
  Document d{id, int_field(o, "_version"), "", int_field(o, "_created"), int_field(o, "_updated"), ""};
  if (auto* v = o.if_contains("_owner"); v && v->is_string()) d.owner = std::string(v->as_string());
  user.reserve(o.size());
  for (auto& kv : o) {
    if (!is_system_field(kv.key())) user.emplace(kv.key(), std::move(kv.value()));
  }
  d.data = json::serialize(user);
  return d;
}

class SqliteApplyTxn final : public ApplyTxn {
 public:
  using Defs = std::map<std::pair<std::string, std::string>, std::vector<IndexDef>>;
  SqliteApplyTxn(Db& db, Defs defs) : db_(db), defs_(std::move(defs)) {}
  ~SqliteApplyTxn() override {
    if (!done_) (void)db_.exec("ROLLBACK");
  }

  Status apply(ChangeRecord& c) override {
    const auto& defs = defs_[{c.app, c.collection}];
    auto cur = load_doc(db_, c.app, c.collection, c.id);
    if (!cur) return cur.status();
    if (!c.kind) c.kind = *cur ? ChangeKind::kModified : ChangeKind::kAdded;
    std::vector<IndexEntry> before;
    if (*cur) {
      auto old = parse_stored_object((*cur)->data, "document " + c.collection + "/" + c.id);
      if (!old) return old.status();
      before = index_entries(**cur, *old, defs);
    }
    Document row{c.id, 0, "", 0, 0, ""};
    json::object user;
    if (*c.kind != ChangeKind::kRemoved) {
      auto o = change_doc(c);
      if (!o) return o.status();
      row = to_row(c.id, *o, user);
    }
    const json::object* fields = *c.kind == ChangeKind::kRemoved ? nullptr : &user;
    return write_change_rows(
        db_, RowChange{c.app, c.collection, *c.kind, row, fields, before, c.seq, c.ts_ms, c.doc_json}, defs);
  }

  Status set_seq(const std::string& app, int64_t seq) override { return save_seq(db_, app, seq); }

  Status commit() override {
    done_ = true;
    Status s = db_.exec("COMMIT");
    if (!s) (void)db_.exec("ROLLBACK");
    return s;
  }

 private:
  Db& db_;
  Defs defs_;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<ApplyTxn>> begin_apply(Db& db) {
  // The store's statements abort on SQL that does not prepare: check the schema is there first.
  if (Status s = db.prepare("SELECT 1 FROM docs, idx, changes, app_seq, indexes WHERE 0"); !s) return s;
  auto loaded = load_indexes(db);
  if (!loaded) return loaded.status();
  SqliteApplyTxn::Defs defs;
  for (auto& [app, def] : *loaded) defs[{app, def.collection}].push_back(std::move(def));
  if (Status s = db.exec("BEGIN IMMEDIATE"); !s) return s;
  return std::unique_ptr<ApplyTxn>(new SqliteApplyTxn(db, std::move(defs)));
}

}  // namespace headroom::storage::sqlite
