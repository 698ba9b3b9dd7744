#include "ops/apply.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <iterator>

#include "storage/index_keys.hpp"
#include "storage/json_parse.hpp"

namespace headroom::ops {
namespace json = boost::json;
namespace {

using storage::Document;
using storage::IndexDef;

constexpr const char* kLoad =
    "SELECT version, owner, created, updated, data FROM docs WHERE app=?1 AND col=?2 AND id=?3";
constexpr const char* kDelete = "DELETE FROM docs WHERE app=?1 AND col=?2 AND id=?3";
constexpr const char* kPut =
    "INSERT OR REPLACE INTO docs(app, col, id, version, owner, created, updated, data) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
    "?7, ?8)";
constexpr const char* kIdxDel = "DELETE FROM idx WHERE app=?1 AND col=?2 AND name=?3 AND key=?4 AND id=?5";
constexpr const char* kIdxPut = "INSERT OR REPLACE INTO idx(app, col, name, key, id) VALUES(?1, ?2, ?3, ?4, ?5)";
constexpr const char* kLog =
    "INSERT OR REPLACE INTO changes(app, seq, col, id, kind, ts, doc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";

// The entry's document as a value: the one its caller validated, else its stored text parsed.
Result<json::object> entry_doc(Entry& e) {
  if (e.value) return std::move(*e.value);
  return storage::parse_stored_object(e.doc, "change of " + e.col + "/" + e.id);
}

int64_t int_field(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return 0;
}

}  // namespace

Result<std::unique_ptr<Applier>> Applier::open(Conn& db) {
  Defs defs;
  auto q = db.prepare("SELECT app, name, col, fields, state FROM indexes");
  if (!q) return q.status();
  Status s;
  while ((*q)->step(s)) {
    IndexDef def{(*q)->text(1), (*q)->text(2), {}, (*q)->text(4)};
    auto fields = storage::parse_index_fields((*q)->text(3), def.name);
    if (!fields) return fields.status();
    def.fields = std::move(*fields);
    defs[{(*q)->text(0), def.collection}].push_back(std::move(def));
  }
  if (!s) return s;
  std::unique_ptr<Applier> a(new Applier(db, std::move(defs)));
  for (const char* sql : {kLoad, kDelete, kPut, kIdxDel, kIdxPut, kLog}) {
    auto p = db.prepare(sql);
    if (!p) return p.status();
    a->cache_.emplace(sql, std::move(p).value());
  }
  return a;
}

Result<std::optional<Document>> Applier::load(const Entry& e) {
  auto& st = q(kLoad);
  st.bind(1, e.app).bind(2, e.col).bind(3, e.id);
  Status s;
  std::optional<Document> out;
  if (st.step(s)) out = Document{e.id, st.int64(0), st.text(1), st.int64(2), st.int64(3), st.text(4)};
  st.reset();
  if (!s) return s;
  return out;
}

Status Applier::apply(Entry& e) {
  const auto& defs = defs_[{e.app, e.col}];
  auto cur = load(e);
  if (!cur) return cur.status();
  if (e.kind == 0) e.kind = static_cast<int64_t>(*cur ? storage::ChangeKind::kModified : storage::ChangeKind::kAdded);
  std::vector<storage::IndexEntry> before, after;
  if (*cur) {
    auto old = storage::parse_stored_object((*cur)->data, "document " + e.col + "/" + e.id);
    if (!old) return old.status();
    before = storage::index_entries(**cur, *old, defs);
  }
  if (e.kind == static_cast<int64_t>(storage::ChangeKind::kRemoved)) {
    if (Status s = q(kDelete).bind(1, e.app).bind(2, e.col).bind(3, e.id).run(); !s) return s;
  } else {
    auto o = entry_doc(e);
    if (!o) return o.status();
    Document d{e.id, int_field(*o, "_version"), "", int_field(*o, "_created"), int_field(*o, "_updated"), ""};
    if (auto* v = o->if_contains("_owner"); v && v->is_string()) d.owner = std::string(v->as_string());
    json::object user;  // object::erase does not keep the order; move the user's fields instead
    user.reserve(o->size());
    for (auto& kv : *o) {
      if (!storage::is_system_field(kv.key())) user.emplace(kv.key(), std::move(kv.value()));
    }
    d.data = json::serialize(user);
    Status s = q(kPut)
                   .bind(1, e.app)
                   .bind(2, e.col)
                   .bind(3, e.id)
                   .bind(4, d.version)
                   .bind(5, d.owner)
                   .bind(6, d.created_ms)
                   .bind(7, d.updated_ms)
                   .bind(8, d.data)
                   .run();
    if (!s) return s;
    after = storage::index_entries(d, user, defs);
  }
  if (Status s = index_diff(e, std::move(before), std::move(after)); !s) return s;
  return q(kLog)
      .bind(1, e.app)
      .bind(2, e.seq)
      .bind(3, e.col)
      .bind(4, e.id)
      .bind(5, e.kind)
      .bind(6, e.ts)
      .bind(7, e.doc)
      .run();
}

Status Applier::index_diff(const Entry& e, std::vector<storage::IndexEntry> before,
                           std::vector<storage::IndexEntry> after) {
  std::sort(before.begin(), before.end());
  std::sort(after.begin(), after.end());
  std::vector<storage::IndexEntry> gone, added;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(gone));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
  for (const auto& [name, key] : gone) {
    if (Status s = q(kIdxDel).bind(1, e.app).bind(2, e.col).bind(3, name).bind_blob(4, key).bind(5, e.id).run(); !s)
      return s;
  }
  for (const auto& [name, key] : added) {
    if (Status s = q(kIdxPut).bind(1, e.app).bind(2, e.col).bind(3, name).bind_blob(4, key).bind(5, e.id).run(); !s)
      return s;
  }
  return Status::ok();
}

}  // namespace headroom::ops
