#include "ops/ndjson.hpp"

#include <boost/json.hpp>
#include <istream>
#include <map>
#include <ostream>

#include "ops/apply.hpp"
#include "ops/sql.hpp"
#include "storage/json_parse.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace headroom::ops {
namespace json = boost::json;
namespace {

constexpr size_t kMaxLineBytes = (1 << 20) + 4096;  // a 1 MiB document plus its envelope

Status check_name(const json::object& o, const char* key, std::string& out) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string() || v->get_string().empty())
    return invalid_argument(std::string("\"") + key + "\" must be a non-empty string");
  out = std::string(v->get_string());
  if (out.size() > 256 || out.find('/') != std::string::npos) {
    return invalid_argument(std::string("\"") + key + "\" must be at most 256 characters without '/'");
  }
  return Status::ok();
}

Status check_system_fields(const json::object& doc) {
  for (const char* k : {"_version", "_created", "_updated"}) {
    const json::value* v = doc.if_contains(k);
    if (v && !(v->is_int64() || v->is_uint64()))
      return invalid_argument(std::string("doc.") + k + " must be an integer");
  }
  if (const json::value* v = doc.if_contains("_owner"); v && !v->is_string())
    return invalid_argument("doc._owner must be a string");
  return Status::ok();
}

Status ensure_schema(const std::string& db_path) {
  // Opening the store once creates the schema exactly as the server would.
  storage::sqlite::SqliteOptions o;
  o.path = db_path;
  o.readers = 1;
  auto s = storage::sqlite::SqliteStore::open(o);
  if (!s) return s.status();
  (*s)->close();
  return Status::ok();
}

}  // namespace

Status parse_line(std::string_view line, std::string& app, std::string& collection, std::string& id, std::string& doc,
                  json::object* value) {
  if (line.size() > kMaxLineBytes)
    return invalid_argument("line is longer than " + std::to_string(kMaxLineBytes) + " bytes");
  auto parsed = storage::parse_json_exact(line, kMaxJsonDepth + kLineEnvelopeLevels,
                                          " (a document may nest " + std::to_string(kMaxJsonDepth) + " in its line)");
  if (!parsed) return invalid_argument("not JSON: " + parsed.status().message());
  json::value& v = *parsed;
  if (!v.is_object()) return invalid_argument("not a JSON object");
  auto& o = v.get_object();
  if (Status s = check_name(o, "app", app); !s) return s;
  if (Status s = check_name(o, "collection", collection); !s) return s;
  json::value* d = o.if_contains("doc");
  if (!d || !d->is_object()) return invalid_argument("\"doc\" must be an object");
  json::object& fields = d->get_object();
  if (Status s = check_name(fields, "_id", id); !s) return invalid_argument("doc." + s.message());
  if (Status s = check_system_fields(fields); !s) return s;
  if (!fields.contains("_version")) fields["_version"] = 1;
  doc = json::serialize(fields);
  if (doc.size() > (1 << 20) + 1024) return invalid_argument("document is larger than 1 MiB");
  if (value) *value = std::move(fields);
  return Status::ok();
}

Result<int64_t> export_ndjson(const std::string& db_path, const ExportFilter& f, std::ostream& out) {
  auto c = Conn::open(db_path, Conn::Mode::kReadWrite);
  if (!c) return c.status();
  auto q = (*c)->prepare(
      "SELECT app, col, id, version, owner, created, updated, data FROM docs "
      "WHERE (?1 = '' OR app = ?1) AND (?2 = '' OR col = ?2) ORDER BY app, col, id");
  if (!q) return q.status();
  (*q)->bind(1, f.app).bind(2, f.collection);
  int64_t n = 0;
  Status s;
  while ((*q)->step(s)) {
    storage::Document d{(*q)->text(2), (*q)->int64(3), (*q)->text(4), (*q)->int64(5), (*q)->int64(6), (*q)->text(7)};
    out << "{\"app\":" << json::serialize(json::string((*q)->text(0)))
        << ",\"collection\":" << json::serialize(json::string((*q)->text(1))) << ",\"doc\":" << d.to_json() << "}\n";
    ++n;
  }
  if (!s) return s;
  out.flush();
  if (!out) return internal_error("writing the export failed");
  return n;
}

Result<ImportResult> import_ndjson(const std::string& db_path, std::istream& in, Clock& clock) {
  ImportResult result;
  std::vector<Entry> entries;
  std::string line;
  for (int64_t no = 1; std::getline(in, line); ++no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Entry e;
    e.value.emplace();
    if (Status s = parse_line(line, e.app, e.col, e.id, e.doc, &*e.value); !s) {
      if (result.bad.size() < 1000) result.bad.push_back({no, s.message()});
      continue;
    }
    if (result.bad.empty()) entries.push_back(std::move(e));
  }
  if (!result.bad.empty()) return result;
  if (Status s = ensure_schema(db_path); !s) return s;
  auto c = Conn::open(db_path, Conn::Mode::kReadWrite);
  if (!c) return c.status();
  auto applier = Applier::open(**c);
  if (!applier) return applier.status();
  if (Status s = (*c)->exec("BEGIN IMMEDIATE"); !s) return s;
  std::map<std::string, int64_t> seqs;
  {
    auto q = (*c)->prepare("SELECT app, seq FROM app_seq");
    Status s;
    if (q) {
      while ((*q)->step(s)) seqs[(*q)->text(0)] = (*q)->int64(1);
    }
  }
  int64_t now = clock.unix_ms();
  Status s;
  for (auto& e : entries) {
    e.seq = ++seqs[e.app];
    e.ts = now;
    if (s = (*applier)->apply(e); !s) break;
    ++result.imported;
  }
  for (const auto& [app, seq] : seqs) {
    if (!s) break;
    auto q = (*c)->prepare("INSERT INTO app_seq(app, seq) VALUES(?1, ?2) ON CONFLICT(app) DO UPDATE SET seq = ?2");
    s = q ? (*q)->bind(1, app).bind(2, seq).run() : q.status();
  }
  if (!s) {
    (void)(*c)->exec("ROLLBACK");
    return s;
  }
  if (Status done = (*c)->exec("COMMIT"); !done) return done;
  return result;
}

}  // namespace headroom::ops
