// Fuzzes the index-management bodies of the document API through the real routes:
// POST /v1/apps/{app_id}/indexes and DELETE …/indexes with a body, over a store that records
// the index it was asked to create or drop.
// Input: byte 0 picks the caller (docs_world.hpp, bits 0-2) and the method (bit 3: DELETE); the
// rest is the body.
// Invariants: only the admin token or a server token gets through; a created index has a valid
// collection and 2-8 valid field paths; it re-serialises: posting the definition the answer
// describes creates the same index again; its name tells it apart from every other definition
// (index_name is injective: the name reads back to this collection and these fields); a drop
// by definition drops the index that definition names; a refusal is a documented /v1 error.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>

#include "docs/validate.hpp"
#include "docs_world.hpp"

using namespace headroom;
namespace json = boost::json;

namespace {

// Reads an index name back into collection + fields. Field paths may hold any character but a
// ':' (or the escape character '%') is escaped as %3A (%25) in names.
bool decode_index_name(std::string_view name, storage::IndexDef& out) {
  std::vector<std::string> parts;
  std::string cur;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == ':') {
      parts.push_back(std::move(cur));
      cur.clear();
    } else if (name[i] == '%' && name.substr(i, 3) == "%3A") {
      cur += ':';
      i += 2;
    } else if (name[i] == '%' && name.substr(i, 3) == "%25") {
      cur += '%';
      i += 2;
    } else {
      cur += name[i];
    }
  }
  parts.push_back(std::move(cur));
  if (parts.size() < 3 || parts.size() % 2 == 0) return false;
  out.collection = parts[0];
  out.fields.clear();
  for (size_t i = 1; i < parts.size(); i += 2) {
    if (parts[i + 1] != "asc" && parts[i + 1] != "desc") return false;
    out.fields.push_back({parts[i], parts[i + 1] == "desc"});
  }
  return true;
}

bool same_fields(const std::vector<storage::IndexField>& a, const std::vector<storage::IndexField>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].path != b[i].path || a[i].desc != b[i].desc) return false;
  }
  return true;
}

std::string body_of(const storage::IndexDef& def) {
  json::array fields;
  for (const auto& f : def.fields) fields.push_back(json::array{json::string(f.path), f.desc ? "desc" : "asc"});
  return json::serialize(json::object{{"collection", def.collection}, {"fields", std::move(fields)}});
}

void check_created(fuzz::DocsWorld& world, const http::Response& res, int caller) {
  const storage::IndexDef def = *world.calls.created;
  CHECK(caller == 2 || caller == 3);
  CHECK(res.status == 200 || res.status == 202);
  CHECK(docs::validate_collection(def.collection).is_ok());
  CHECK(def.fields.size() >= 2 && def.fields.size() <= 8);
  for (const auto& f : def.fields) CHECK(docs::validate_field_path(f.path).is_ok());
  storage::IndexDef decoded;
  CHECK(decode_index_name(def.name, decoded));
  CHECK(decoded.collection == def.collection && same_fields(decoded.fields, def.fields));
  // What the answer says was created, posted again, creates the same index.
  json::value answer = json::parse(res.body_view());
  CHECK(answer.at("name").as_string() == def.name);
  http::Response again = world.call(http::Method::kPost, "/v1/apps/app1/indexes", body_of(def), caller);
  CHECK(again.status == res.status && world.calls.created && world.calls.created->name == def.name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::DocsWorld world;
  if (size == 0) return 0;
  const int caller = (data[0] & 7) % 5;
  const bool drop = data[0] & 8;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  http::Response res =
      world.call(drop ? http::Method::kDelete : http::Method::kPost, "/v1/apps/app1/indexes", body, caller);
  if (world.calls.created) return check_created(world, res, caller), 0;
  if (world.calls.dropped) {
    CHECK(drop && (caller == 2 || caller == 3) && res.status == 204);
    json::value v = docs::parse_json(body, 64 * 1024).value();  // the route accepted it, so it is JSON
    const json::object& o = v.as_object();
    if (const json::value* name = o.if_contains("name"); name && name->is_string()) {
      CHECK(*world.calls.dropped == name->get_string());
    } else {
      storage::IndexDef decoded;
      CHECK(decode_index_name(*world.calls.dropped, decoded));
      CHECK(decoded.collection == std::string(o.at("collection").as_string()));
    }
    return 0;
  }
  CHECK(fuzz::documented_error(res.status));
  json::value answer = json::parse(res.body_view());
  CHECK(answer.at("error").at("code").is_string());
  return 0;
}
