#include "ops/ndjson.hpp"

#include <boost/json.hpp>
#include <istream>
#include <map>
#include <ostream>

#include "storage/json_parse.hpp"

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

Result<int64_t> export_ndjson(storage::Maintenance& storage, const std::string& db_path, const ExportFilter& f,
                              std::ostream& out) {
  auto db = storage.open(db_path, storage::Maintenance::Access::kWrite);
  if (!db) return db.status();
  int64_t n = 0;
  Status s = (*db)->scan_documents(f, [&](const std::string& app, const std::string& col, const storage::Document& d) {
    out << "{\"app\":" << json::serialize(json::string(app)) << ",\"collection\":" << json::serialize(json::string(col))
        << ",\"doc\":" << d.to_json() << "}\n";
    ++n;
    return Status::ok();
  });
  if (!s) return s;
  out.flush();
  if (!out) return internal_error("writing the export failed");
  return n;
}

namespace {

// Writes the validated documents in one transaction, each with the app's next seq.
Status import_all(storage::Database& db, std::vector<storage::ChangeRecord>& changes, int64_t now_ms) {
  auto txn = db.begin_apply();  // destroyed uncommitted: rolled back
  if (!txn) return txn.status();
  auto seqs = db.seqs();  // inside the transaction
  if (!seqs) return seqs.status();
  for (auto& c : changes) {
    c.seq = ++(*seqs)[c.app];
    c.ts_ms = now_ms;
    if (Status s = (*txn)->apply(c); !s) return s;
  }
  for (const auto& [app, seq] : *seqs) {
    if (Status s = (*txn)->set_seq(app, seq); !s) return s;
  }
  return (*txn)->commit();
}

}  // namespace

Result<ImportResult> import_ndjson(storage::Maintenance& storage, const std::string& db_path, std::istream& in,
                                   Clock& clock) {
  ImportResult result;
  std::vector<storage::ChangeRecord> changes;
  std::string line;
  for (int64_t no = 1; std::getline(in, line); ++no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    storage::ChangeRecord c;
    c.value.emplace();
    if (Status s = parse_line(line, c.app, c.collection, c.id, c.doc_json, &*c.value); !s) {
      if (result.bad.size() < 1000) result.bad.push_back({no, s.message()});
      continue;
    }
    if (result.bad.empty()) changes.push_back(std::move(c));
  }
  if (!result.bad.empty()) return result;
  auto db = storage.open(db_path, storage::Maintenance::Access::kCreate);
  if (!db) return db.status();
  if (Status s = import_all(**db, changes, clock.unix_ms()); !s) return s;
  result.imported = static_cast<int64_t>(changes.size());
  return result;
}

}  // namespace headroom::ops
