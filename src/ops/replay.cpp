#include "ops/replay.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <ctime>
#include <vector>

#include "ops/sql.hpp"
#include "storage/index_keys.hpp"

namespace headroom::ops {
namespace json = boost::json;
namespace {

using storage::Document;
using storage::IndexDef;

bool parse_i64(std::string_view s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

json::object parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.get_object());
}

// Composite index definitions of the target, by app and collection.
Result<std::map<std::pair<std::string, std::string>, std::vector<IndexDef>>> load_composites(Conn& db) {
  std::map<std::pair<std::string, std::string>, std::vector<IndexDef>> out;
  auto q = db.prepare("SELECT app, name, col, fields, state FROM indexes");
  if (!q) return q.status();
  Status s;
  while ((*q)->step(s)) {
    IndexDef def{(*q)->text(1), (*q)->text(2), {}, (*q)->text(4)};
    boost::system::error_code ec;
    json::value fields = json::parse((*q)->text(3), ec);
    if (ec || !fields.is_array()) continue;
    for (const auto& f : fields.get_array()) {
      if (!f.is_array() || f.as_array().size() != 2 || !f.as_array()[0].is_string()) continue;
      def.fields.push_back({std::string(f.as_array()[0].as_string()), f.as_array()[1] == "desc"});
    }
    out[{(*q)->text(0), def.collection}].push_back(std::move(def));
  }
  if (!s) return s;
  return out;
}

struct Entry {
  std::string app, col, id, doc;
  int64_t seq = 0, kind = 0, ts = 0;
};

const char* const kStatements[] = {
    "SELECT version, owner, created, updated, data FROM docs WHERE app=?1 AND col=?2 AND id=?3",
    "DELETE FROM docs WHERE app=?1 AND col=?2 AND id=?3",
    "INSERT OR REPLACE INTO docs(app, col, id, version, owner, created, updated, data) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    "DELETE FROM idx WHERE app=?1 AND col=?2 AND name=?3 AND key=?4 AND id=?5",
    "INSERT OR REPLACE INTO idx(app, col, name, key, id) VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT OR REPLACE INTO changes(app, seq, col, id, kind, ts, doc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};

class Applier {
 public:
  Applier(Conn& db, std::map<std::pair<std::string, std::string>, std::vector<IndexDef>> defs)
      : db_(db), defs_(std::move(defs)) {}

  Status prepare_all() {
    for (const char* sql : kStatements) {
      auto r = db_.prepare(sql);
      if (!r) return r.status();
      cache_.emplace(sql, std::move(r).value());
    }
    return Status::ok();
  }

  Status apply(const Entry& e) {
    const auto& defs = defs_[{e.app, e.col}];
    auto cur = load(e);
    if (!cur) return cur.status();
    std::vector<storage::IndexEntry> before, after;
    if (*cur) before = storage::index_entries(**cur, parse_object((*cur)->data), defs);
    if (e.kind == static_cast<int64_t>(storage::ChangeKind::kRemoved)) {
      if (Status s = run("DELETE FROM docs WHERE app=?1 AND col=?2 AND id=?3", e, {}); !s) return s;
    } else {
      json::object o = parse_object(e.doc);
      Document d{e.id, 0, "", 0, 0, ""};
      if (auto* v = o.if_contains("_version")) d.version = v->to_number<int64_t>();
      if (auto* v = o.if_contains("_owner"); v && v->is_string()) d.owner = std::string(v->as_string());
      if (auto* v = o.if_contains("_created")) d.created_ms = v->to_number<int64_t>();
      if (auto* v = o.if_contains("_updated")) d.updated_ms = v->to_number<int64_t>();
      for (const char* k : {"_id", "_version", "_owner", "_created", "_updated"}) o.erase(k);
      d.data = json::serialize(o);
      if (Status s = put(e, d); !s) return s;
      after = storage::index_entries(d, o, defs);
    }
    if (Status s = index_diff(e, before, after); !s) return s;
    return log(e);
  }

 private:
  // Statements are prepared by prepare_all() before the first apply().
  Query& q(const std::string& sql) { return *cache_.at(sql); }
  Result<std::optional<Document>> load(const Entry& e) {
    auto& st = q("SELECT version, owner, created, updated, data FROM docs WHERE app=?1 AND col=?2 AND id=?3");
    st.bind(1, e.app).bind(2, e.col).bind(3, e.id);
    Status s;
    std::optional<Document> out;
    if (st.step(s)) out = Document{e.id, st.int64(0), st.text(1), st.int64(2), st.int64(3), st.text(4)};
    st.reset();
    if (!s) return s;
    return out;
  }
  Status run(const std::string& sql, const Entry& e, const std::vector<std::string>&) {
    return q(sql).bind(1, e.app).bind(2, e.col).bind(3, e.id).run();
  }
  Status put(const Entry& e, const Document& d) {
    return q("INSERT OR REPLACE INTO docs(app, col, id, version, owner, created, updated, data) "
             "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, e.app).bind(2, e.col).bind(3, e.id).bind(4, d.version).bind(5, d.owner).bind(6, d.created_ms)
        .bind(7, d.updated_ms).bind(8, d.data).run();
  }
  Status index_diff(const Entry& e, std::vector<storage::IndexEntry> before, std::vector<storage::IndexEntry> after) {
    std::sort(before.begin(), before.end());
    std::sort(after.begin(), after.end());
    std::vector<storage::IndexEntry> gone, added;
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(gone));
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
    for (const auto& [name, key] : gone) {
      auto& st = q("DELETE FROM idx WHERE app=?1 AND col=?2 AND name=?3 AND key=?4 AND id=?5");
      if (Status s = st.bind(1, e.app).bind(2, e.col).bind(3, name).bind_blob(4, key).bind(5, e.id).run(); !s) return s;
    }
    for (const auto& [name, key] : added) {
      auto& st = q("INSERT OR REPLACE INTO idx(app, col, name, key, id) VALUES(?1, ?2, ?3, ?4, ?5)");
      if (Status s = st.bind(1, e.app).bind(2, e.col).bind(3, name).bind_blob(4, key).bind(5, e.id).run(); !s) return s;
    }
    return Status::ok();
  }
  Status log(const Entry& e) {
    return q("INSERT OR REPLACE INTO changes(app, seq, col, id, kind, ts, doc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, e.app).bind(2, e.seq).bind(3, e.col).bind(4, e.id).bind(5, e.kind).bind(6, e.ts).bind(7, e.doc).run();
  }

  Conn& db_;
  std::map<std::pair<std::string, std::string>, std::vector<IndexDef>> defs_;
  std::map<std::string, std::unique_ptr<Query>> cache_;
};

Result<std::map<std::string, int64_t>> seqs_of(Conn& db) {
  auto q = db.prepare("SELECT app, seq FROM app_seq");
  if (!q) return q.status();
  std::map<std::string, int64_t> out;
  Status s;
  while ((*q)->step(s)) out[(*q)->text(0)] = (*q)->int64(1);
  if (!s) return s;
  return out;
}

bool stop_before(const Until& u, const Entry& e) {
  if (u.kind == Until::Kind::kSeq) return e.seq > u.value;
  if (u.kind == Until::Kind::kTime) return e.ts > u.value;
  return false;
}

// Replays one app's entries after `after`; the first must be after + 1 (no gap).
Status replay_app(Conn& src, Applier& applier, const std::string& app, int64_t after, const Until& until,
                  ReplayResult& out) {
  auto q = src.prepare("SELECT seq, col, id, kind, ts, doc FROM changes WHERE app=?1 AND seq>?2 ORDER BY seq");
  if (!q) return q.status();
  (*q)->bind(1, app).bind(2, after);
  Status s;
  int64_t expect = after + 1;
  while ((*q)->step(s)) {
    Entry e{app, (*q)->text(1), (*q)->text(2), (*q)->text(5), (*q)->int64(0), (*q)->int64(3), (*q)->int64(4)};
    if (stop_before(until, e)) break;
    if (e.seq != expect) {
      return Status(Code::kFailedPrecondition,
                    "app " + app + ": the change log jumps from seq " + std::to_string(expect - 1) + " to " +
                        std::to_string(e.seq) + " (entries were trimmed by retention); restore without --until");
    }
    if (Status a = applier.apply(e); !a) return a;
    ++expect;
    ++out.applied;
  }
  if (!s) return Status(s.code(), "reading the change log of app " + app + ": " + s.message());
  out.seqs[app] = expect - 1;
  return Status::ok();
}

}  // namespace

Result<Until> parse_until(const std::string& text) {
  Until u;
  if (text.empty() || text == "latest") return u;
  int64_t v = 0;
  std::string_view t = text;
  if (t.starts_with("seq:")) t.remove_prefix(4);
  if (parse_i64(t, v) && v >= 0) return Until{Until::Kind::kSeq, v};
  if (std::string_view(text).starts_with("ms:") && parse_i64(std::string_view(text).substr(3), v)) {
    return Until{Until::Kind::kTime, v};
  }
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return invalid_argument("--until '" + text + "': expected a seq, an ISO time like 2026-11-27T07:00:00Z, or ms:<unix ms>");
  int64_t ms = 0;
  std::string_view r = rest;
  if (r.starts_with('.')) {
    r.remove_prefix(1);
    std::string frac;
    while (!r.empty() && r[0] >= '0' && r[0] <= '9') {
      if (frac.size() < 3) frac += r[0];
      r.remove_prefix(1);
    }
    while (frac.size() < 3) frac += '0';
    if (!parse_i64(frac, ms)) return invalid_argument("--until '" + text + "': bad fraction");
  }
  if (r != "Z" && r != "+00:00") return invalid_argument("--until '" + text + "': give the time in UTC (ending in Z)");
  return Until{Until::Kind::kTime, static_cast<int64_t>(timegm(&tm)) * 1000 + ms};
}

Result<ReplayResult> replay_changes(const std::string& source_db, const std::string& target_db, const Until& until,
                                    const Progress& progress) {
  auto src = Conn::open(source_db, Conn::Mode::kReadOnly);
  if (!src) return src.status();
  auto dst = Conn::open(target_db, Conn::Mode::kReadWrite);
  if (!dst) return dst.status();
  auto target_seqs = seqs_of(**dst);
  if (!target_seqs) return target_seqs.status();
  auto source_seqs = seqs_of(**src);
  if (!source_seqs) return Status(Code::kUnavailable, "reading the source change log: " + source_seqs.status().message());
  auto defs = load_composites(**dst);
  if (!defs) return defs.status();
  if (Status s = (*dst)->exec("BEGIN IMMEDIATE"); !s) return s;
  Applier applier(**dst, std::move(*defs));
  if (Status s = applier.prepare_all(); !s) return s;
  ReplayResult out;
  uint64_t done = 0;
  for (const auto& [app, last] : *source_seqs) {
    int64_t after = target_seqs->count(app) ? target_seqs->at(app) : 0;
    Status s = after >= last ? Status::ok() : replay_app(**src, applier, app, after, until, out);
    if (s && out.seqs.count(app)) {
      auto q = (*dst)->prepare("INSERT INTO app_seq(app, seq) VALUES(?1, ?2) ON CONFLICT(app) DO UPDATE SET seq = ?2");
      s = q ? (*q)->bind(1, app).bind(2, out.seqs[app]).run() : q.status();
    }
    if (!s) {
      (void)(*dst)->exec("ROLLBACK");
      return s;
    }
    if (progress) progress(++done, source_seqs->size());
  }
  if (Status s = (*dst)->exec("COMMIT"); !s) return s;
  return out;
}

}  // namespace headroom::ops
