// Running a planned query on a reader connection: walk the primary key or one index range in
// order, re-check every filter on each candidate, stop one past the page to know if more exist.
#include <algorithm>
#include <unordered_set>

#include "storage/filter.hpp"
#include "storage/json_parse.hpp"
#include "storage/planner.hpp"
#include "storage/sqlite/internal.hpp"

namespace headroom::storage::sqlite {
namespace {

struct Collector {
  const Query& q;
  const Plan& plan;
  QueryResult& out;
  CursorPos last;
  bool done = false;
  Status error = Status::ok();  // a stored document that does not parse stops the query (INTERNAL)

  // Returns false once the page (plus one to detect "more") is full, or on error.
  bool offer(Document doc, std::string key) {
    ++out.scanned;
    auto fields = parse_stored_object(doc.data, "document " + q.collection + "/" + doc.id);
    if (!fields) return fail(fields.status());
    if (!matches_all(q.where, doc, *fields)) return true;
    if (q.count_only) {
      ++out.count;
      return true;
    }
    if (static_cast<int>(out.docs.size()) == q.limit) {
      out.next = encode_cursor(plan, last);
      done = true;
      return false;
    }
    last = {std::move(key), doc.id};
    out.docs.push_back(std::move(doc));
    return true;
  }

  bool fail(Status s) {
    error = std::move(s);
    done = true;
    return false;
  }
};

Document row_doc(Stmt& st, int first) {
  return Document{std::string(st.text(first)), st.int64(first + 1), std::string(st.text(first + 2)),
                  st.int64(first + 3),         st.int64(first + 4), std::string(st.text(first + 5))};
}

Status walk_primary(Db& db, const Query& q, const Plan& plan, const CursorPos* after, Collector& c) {
  auto st =
      db.stmt(plan.reverse ? "SELECT id, version, owner, created, updated, data FROM docs WHERE app=?1 AND col=?2 "
                             "AND id<?3 ORDER BY id DESC"
                           : "SELECT id, version, owner, created, updated, data FROM docs WHERE app=?1 AND col=?2 "
                             "AND id>?3 ORDER BY id");
  st.bind(1, q.app).bind(2, q.collection).bind(3, after ? after->id : plan.reverse ? std::string(kKeyMax) : "");
  Status s;
  while (st.step(s)) {
    if (!c.offer(row_doc(st, 0), {})) break;
  }
  return s;
}

Status walk_range(Db& db, const Query& q, const Plan& plan, const KeyRange& r, const CursorPos& from,
                  std::unordered_set<std::string>* seen, Collector& c) {
  static const std::string kSelect =
      "SELECT i.key, d.id, d.version, d.owner, d.created, d.updated, d.data FROM idx i JOIN docs d "
      "ON d.app=i.app AND d.col=i.col AND d.id=i.id WHERE i.app=?1 AND i.col=?2 AND i.name=?3 AND i.key>=?4 "
      "AND i.key<?5 ";
  auto st = db.stmt(plan.reverse ? kSelect + "AND (i.key, i.id) < (?6, ?7) ORDER BY i.key DESC, i.id DESC"
                                 : kSelect + "AND (i.key, i.id) > (?6, ?7) ORDER BY i.key, i.id");
  st.bind(1, q.app).bind(2, q.collection).bind(3, plan.index).bind_blob(4, r.lo).bind_blob(5, r.hi);
  st.bind_blob(6, from.key).bind(7, from.id);
  Status s;
  while (st.step(s)) {
    Document d = row_doc(st, 1);
    if (seen && !seen->insert(d.id).second) continue;
    if (!c.offer(std::move(d), std::string(st.blob(0)))) break;
  }
  return s;
}

Status walk_index(Db& db, const Query& q, const Plan& plan, const CursorPos* after, Collector& c) {
  CursorPos from = after ? *after : CursorPos{plan.reverse ? std::string(kKeyMax) + "\xff" : "", ""};
  std::unordered_set<std::string> seen;
  std::vector<KeyRange> ranges = plan.ranges;
  if (plan.reverse) std::reverse(ranges.begin(), ranges.end());
  for (const auto& r : ranges) {
    if (Status s = walk_range(db, q, plan, r, from, plan.dedupe ? &seen : nullptr, c); !s) return s;
    if (c.done) break;
  }
  return Status::ok();
}

Status walk_scan(Db& db, const Query& q, const Plan& plan, const CursorPos* after, Collector& c) {
  auto st = db.stmt("SELECT id, version, owner, created, updated, data FROM docs WHERE app=?1 AND col=?2");
  st.bind(1, q.app).bind(2, q.collection);
  struct Row {
    std::string key;
    Document doc;
  };
  std::vector<Row> rows;
  Status s;
  std::string key;
  while (st.step(s)) {
    Document d = row_doc(st, 0);
    ++c.out.scanned;
    auto fields = parse_stored_object(d.data, "document " + q.collection + "/" + d.id);
    if (!fields) return fields.status();
    if (!scan_sort_key(plan, d, *fields, key)) continue;
    if (after && std::tie(key, d.id) <= std::tie(after->key, after->id)) continue;
    rows.push_back({key, std::move(d)});
  }
  if (!s) return s;
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return std::tie(a.key, a.doc.id) < std::tie(b.key, b.doc.id); });
  int64_t scanned = c.out.scanned;
  for (auto& r : rows) {
    if (!c.offer(std::move(r.doc), std::move(r.key))) break;
  }
  c.out.scanned = scanned;
  return Status::ok();
}

}  // namespace

Result<QueryResult> run_query(Db& db, const Query& q, const std::vector<IndexDef>& ready) {
  auto plan = plan_query(q, ready);
  if (!plan) return plan.status();
  std::optional<CursorPos> after;
  if (!q.after.empty()) {
    auto pos = decode_cursor(*plan, q.after);
    if (!pos) return pos.status();
    after = std::move(*pos);
  }
  QueryResult out;
  out.plan = plan->kind == Plan::Kind::kPrimary ? "primary" : plan->kind == Plan::Kind::kIndex ? "index" : "scan";
  out.index = plan->display;
  Collector c{q, *plan, out, {}};
  const CursorPos* from = after ? &*after : nullptr;
  Status s = plan->kind == Plan::Kind::kPrimary ? walk_primary(db, q, *plan, from, c)
             : plan->kind == Plan::Kind::kIndex ? walk_index(db, q, *plan, from, c)
                                                : walk_scan(db, q, *plan, from, c);
  if (!s) return s;
  if (!c.error) return c.error;
  if (!q.count_only) out.count = static_cast<int64_t>(out.docs.size());
  return out;
}

}  // namespace headroom::storage::sqlite
