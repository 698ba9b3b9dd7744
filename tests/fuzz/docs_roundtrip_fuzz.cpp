// Issue 12's round-trip guarantee, fuzzed: whatever a write acknowledges reads back equal (minus
// system fields), for PUT, PATCH, POST and batch, at every depth and size the limits allow —
// through the real document routes over the REAL SqliteStore (docs_sqlite_world.hpp).
//
// Input: up to 8 requests separated by 0xFF bytes (never part of UTF-8 text), each
//   [route byte][param byte][body...]
//   route & 7:        0/6 PUT d<n>, 1/7 PATCH d<n>, 2 POST, 3 batch (the body is the whole batch),
//                     4 batch {"ops":[set d<n>, patch d<m>]} with the body as both ops' data,
//                     5 DELETE d<n>
//   (route >> 3) & 3: the body as it is (0), or (not for route 3) inside {"w":…} nested
//                     `param % 72` levels deeper, arrays and objects alternating (1) or objects
//                     only (2), or beside a string, {"pad":"xx…","v":…} (3), of param × 16 bytes
//                     or (param ≥ 0xF0, first request only) just under 1 MiB: depths cross the
//                     64-level limit, sizes the 1 MiB one (and route 4's batch the 2 MiB one).
//                     A param is never 0xFF, the separator.
//   (route >> 5) & 3: n, the document d0..d3; bit 7 set: route 4 patches d<n> itself, else d<n+1>
// Each input starts from an empty store (what the last input wrote is deleted first), so a
// finding reproduces from its input alone.
//
// Invariants, checked against a model of what the store must hold (abort on a violation):
//  * acknowledged (2xx) ⇒ the answer, the change-log entry and a later GET carry exactly what was
//    sent minus system fields (PUT, POST, batch set/create), or RFC 7386 applied to the previous
//    value (PATCH; merge_patch below is the RFC's pseudocode, not the server's code); a delete
//    leaves a 404. What was sent is the body as the exact parser reads it (storage/json_parse),
//    which must read what Boost.JSON's own parser reads (doubles within one ulp: Boost 1.81
//    misreads some by one).
//  * refused (4xx) ⇒ nothing stored or changed: no change-log entry, every document as before.
//  * within the limits (PUT/POST/PATCH/route 4: an object nesting ≤ 64 levels, ≤ 1 MiB; PATCH of
//    an existing document whose result is ≤ 1 MiB; DELETE of an existing one) ⇒ acknowledged.
//  * never a 5xx.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "docs/validate.hpp"
#include "docs_sqlite_world.hpp"
#include "storage/document.hpp"
#include "storage/json_parse.hpp"

using namespace headroom;
namespace json = boost::json;

namespace {

using Key = std::pair<std::string, std::string>;  // collection, id
enum class Kind { kPut, kPatch, kDelete };

struct Op {
  Kind kind = Kind::kPut;
  std::string col, id;
  bool server_id = false;  // POST or a batch "create" without id: the server picks the id
  json::object data;       // kPut: the new user fields; kPatch: the merge patch (system fields dropped)
};

// One request and what it asks the store to do: `ops` is nullopt when the request is no valid
// write (it must be refused); `must_ack` when the limits allow it (it must be acknowledged).
struct Plan {
  http::Method method = http::Method::kPut;
  std::string target, body;
  std::optional<std::vector<Op>> ops;
  bool must_ack = false;
  bool batch = false;
};

struct Outcome {
  std::string col, id, status;  // status: added | modified | removed | missing
};

fuzz::SqliteDocsWorld* g_world = nullptr;
std::map<Key, json::object> g_docs;  // what the store holds now (of what this input wrote)
int64_t g_seq = 0;                   // the last change-log seq seen

// ---- the oracle: reading what was sent, RFC 7386, the model's limits ----

// The same value from two parsers: equal, except that a double may differ by one ulp.
bool same_reading(const json::value& a, const json::value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_double())
    return a.get_double() == b.get_double() || std::nextafter(a.get_double(), b.get_double()) == b.get_double();
  if (a.is_array()) {
    const auto &x = a.get_array(), &y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!same_reading(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto &x = a.get_object(), &y = b.get_object();
    if (x.size() != y.size()) return false;
    for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
      if (i->key() != j->key() || !same_reading(i->value(), j->value())) return false;
    }
    return true;
  }
  return a == b;
}

std::optional<json::value> read_sent(std::string_view text, int depth) {
  auto exact = storage::parse_json_exact(text, depth);
  if (!exact) return std::nullopt;
  json::parse_options opt;
  opt.max_depth = static_cast<size_t>(depth);
  boost::system::error_code ec;
  json::value stock = json::parse(text, ec, {}, opt);
  CHECK(!ec && same_reading(*exact, stock));
  return std::move(*exact);
}

json::object user_fields(const json::object& doc) {
  json::object out;
  for (const auto& kv : doc) {
    if (!storage::is_system_field(kv.key())) out.emplace(kv.key(), kv.value());
  }
  return out;
}

// A document's text as the server answers or logs it: an object at most 64 levels deep.
json::object fields_of(std::string_view text) {
  auto v = storage::parse_json_exact(text, kMaxJsonDepth);
  CHECK(v && v->is_object());
  return user_fields(v->get_object());
}

bool fits(const json::object& doc) { return json::serialize(doc).size() <= docs::kMaxDocumentBytes; }

// RFC 7386 §2, as its pseudocode says.
json::value merge_patch(json::value target, const json::value& patch);
json::object merge_patch(json::object target, const json::object& patch) {
  for (const auto& kv : patch) {
    if (kv.value().is_null()) {
      target.erase(kv.key());
      continue;
    }
    json::value* current = target.if_contains(kv.key());
    target[kv.key()] = merge_patch(current ? std::move(*current) : json::value(), kv.value());
  }
  return target;
}
json::value merge_patch(json::value target, const json::value& patch) {
  if (!patch.is_object()) return patch;
  return merge_patch(target.is_object() ? std::move(target.get_object()) : json::object(), patch.get_object());
}

// Whether the ops, applied in order to the model, stay within the limits.
bool within_limits(const std::vector<Op>& ops, bool single) {
  std::map<Key, std::optional<json::object>> after;
  auto current = [&](const Key& k) -> std::optional<json::object> {
    if (auto it = after.find(k); it != after.end()) return it->second;
    if (auto it = g_docs.find(k); it != g_docs.end()) return it->second;
    return std::nullopt;
  };
  for (const Op& op : ops) {
    const Key key{op.col, op.id};
    std::optional<json::object> cur = op.server_id ? std::nullopt : current(key);
    if (op.kind == Kind::kDelete) {
      if (single && !cur) return false;
      after[key] = std::nullopt;
      continue;
    }
    if (op.kind == Kind::kPatch && !cur) return false;
    json::object next = op.kind == Kind::kPut ? op.data : merge_patch(std::move(*cur), op.data);
    if (!fits(next)) return false;
    if (!op.server_id) after[key] = std::move(next);
  }
  return true;
}

// ---- requests ----

std::string doc_path(const std::string& col, const std::string& id) {
  return "/v1/apps/app1/collections/" + col + "/docs" + (id.empty() ? "" : "/" + id);
}

// A PUT/POST/PATCH body as the document it sends: an object of ≤ 64 levels in a body the route
// reads at all (≤ 1 MiB + 4 KiB, docs/validate.cpp), system fields dropped.
std::optional<json::object> document_sent(std::string_view body) {
  if (body.size() > docs::kMaxDocumentBytes + 4096) return std::nullopt;
  auto v = read_sent(body, kMaxJsonDepth);
  if (!v || !v->is_object()) return std::nullopt;
  return user_fields(v->get_object());
}

std::optional<Op> batch_op(const json::value& item) {
  if (!item.is_object()) return std::nullopt;
  const auto& o = item.get_object();
  const json::value* name = o.if_contains("op");
  const json::value* col = o.if_contains("collection");
  const json::value* id = o.if_contains("id");
  if (!name || !name->is_string() || !col || !col->is_string() || (id && !id->is_string())) return std::nullopt;
  const std::string_view n = name->get_string();
  Op op;
  op.col = std::string(col->get_string());
  op.id = id ? std::string(id->get_string()) : "";
  op.server_id = n == "create" && !id;
  if (op.id.empty() && !op.server_id) return std::nullopt;
  if (n == "delete") {
    op.kind = Kind::kDelete;
    return op;
  }
  if (n == "patch" || n == "update") {
    op.kind = Kind::kPatch;
  } else if (n != "create" && n != "set" && n != "put") {
    return std::nullopt;
  }
  const json::value* data = o.if_contains("data");
  if (!data || !data->is_object()) return std::nullopt;
  op.data = user_fields(data->get_object());
  return op;
}

// A batch body as the writes it asks for ({"ops":[...]}, 1-500 ops, data nesting ≤ 64 levels).
std::optional<std::vector<Op>> batch_ops(std::string_view body) {
  if (body.size() > docs::kMaxRequestBytes) return std::nullopt;
  auto v = read_sent(body, kMaxJsonDepth + docs::kBatchEnvelopeLevels);
  if (!v || !v->is_object()) return std::nullopt;
  const json::value* list = v->get_object().if_contains("ops");
  if (!list || !list->is_array() || list->get_array().empty() || list->get_array().size() > 500) return std::nullopt;
  std::vector<Op> ops;
  for (const auto& item : list->get_array()) {
    auto op = batch_op(item);
    if (!op) return std::nullopt;
    ops.push_back(std::move(*op));
  }
  return ops;
}

Plan single(http::Method method, Kind kind, const std::string& id, std::string body) {
  Plan p;
  p.method = method;
  p.target = doc_path("pub", id);
  p.body = std::move(body);
  Op op{kind, "pub", id, id.empty(), {}};
  if (kind != Kind::kDelete) {
    auto doc = document_sent(p.body);
    if (!doc) return p;
    op.data = std::move(*doc);
  }
  p.ops = std::vector<Op>{std::move(op)};
  p.must_ack = within_limits(*p.ops, true);
  return p;
}

Plan batch_of(std::string body, bool predictable) {
  Plan p;
  p.method = http::Method::kPost;
  p.target = "/v1/apps/app1/batch";
  p.body = std::move(body);
  p.batch = true;
  p.ops = batch_ops(p.body);
  p.must_ack = predictable && p.ops && within_limits(*p.ops, false);
  return p;
}

// Route 4: a set and a patch with the same data. When that data alone is a JSON object, the
// batch is exactly those two ops, so whether the limits allow it is known.
Plan set_and_patch(const std::string& data, const std::string& set_id, const std::string& patch_id) {
  auto op = [&](const char* name, const std::string& id) {
    return std::string("{\"op\":\"") + name + "\",\"collection\":\"pub\",\"id\":\"" + id + "\",\"data\":" + data + "}";
  };
  return batch_of("{\"ops\":[" + op("set", set_id) + "," + op("patch", patch_id) + "]}",
                  document_sent(data).has_value());
}

// Mode 3's padding: param × 16 bytes, or for param ≥ 0xF0 in an input's first request just under
// 1 MiB in steps of 8, so that a few bytes of body decide whether a document fits 1 MiB (and route
// 4's two copies a batch 2 MiB). A 1 MiB write costs about half a second under ASan (its index
// keys are built byte by byte), so an input makes at most one.
size_t pad_bytes(uint8_t param, bool first) {
  if (param < 0xF0 || !first) return size_t{param} * 16;
  return docs::kMaxDocumentBytes - 160 + size_t{param - 0xF0u} * 8;
}

std::string shaped_body(std::string_view body, int mode, uint8_t param, bool first) {
  if (mode == 3) {
    return "{\"pad\":\"" + std::string(pad_bytes(param, first), 'x') + "\",\"v\":" + std::string(body) + "}";
  }
  if (mode == 0) return std::string(body);
  std::string open, close;
  for (int level = 0; level < param % 72; ++level) {
    const bool array = mode == 1 && level % 2 == 0;
    open += array ? "[" : "{\"a\":";
    close += array ? "]" : "}";
  }
  std::reverse(close.begin(), close.end());
  return "{\"w\":" + open + std::string(body) + close + "}";
}

std::optional<Plan> plan_for(std::string_view segment, bool first) {
  if (segment.size() < 2) return std::nullopt;
  const uint8_t route = static_cast<uint8_t>(segment[0]), param = static_cast<uint8_t>(segment[1]);
  const int n = (route >> 5) & 3;
  const std::string id = "d" + std::to_string(n), next_id = "d" + std::to_string((n + 1) % 4);
  if ((route & 7) == 3) return batch_of(std::string(segment.substr(2)), false);
  std::string body = shaped_body(segment.substr(2), (route >> 3) & 3, param, first);
  switch (route & 7) {
    case 1:
    case 7:
      return single(http::Method::kPatch, Kind::kPatch, id, std::move(body));
    case 2:
      return single(http::Method::kPost, Kind::kPut, "", std::move(body));
    case 4:
      return set_and_patch(body, id, route & 0x80 ? id : next_id);
    case 5:
      return single(http::Method::kDelete, Kind::kDelete, id, "");
    default:
      return single(http::Method::kPut, Kind::kPut, id, std::move(body));
  }
}

// ---- checking the answers ----

json::object answer_of(const http::Response& r) {
  auto v = storage::parse_json_exact(r.body_view(), kMaxJsonDepth);
  CHECK(v && v->is_object());
  return std::move(v->get_object());
}

std::vector<Outcome> outcomes(const Plan& p, const http::Response& r) {
  if (r.status == 204) return {{"pub", p.ops->front().id, "removed"}};
  const json::object answer = answer_of(r);
  if (!p.batch) {
    CHECK(r.status == 201 || r.status == 200);
    return {{"pub", std::string(answer.at("_id").as_string()), r.status == 201 ? "added" : "modified"}};
  }
  CHECK(r.status == 200);
  std::vector<Outcome> out;
  for (const auto& item : answer.at("results").as_array()) {
    const auto& o = item.as_object();
    out.push_back({std::string(o.at("collection").as_string()), std::string(o.at("_id").as_string()),
                   std::string(o.at("status").as_string())});
  }
  return out;
}

void check_change(const storage::Change& c, const Key& key, const std::string& status) {
  CHECK(c.collection == key.first && c.id == key.second);
  CHECK(storage::change_kind_name(c.kind) == status);
  if (c.kind != storage::ChangeKind::kRemoved) CHECK(fields_of(c.doc_json) == g_docs.at(key));
}

// Applies acknowledged ops to the model, checking each outcome and change-log entry on the way.
void apply_acknowledged(const std::vector<Op>& ops, const std::vector<Outcome>& outs,
                        const std::vector<storage::Change>& changes) {
  CHECK(!ops.empty() && outs.size() == ops.size());
  size_t next_change = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    const Outcome& out = outs[i];
    CHECK(out.col == op.col && (op.server_id ? !out.id.empty() : out.id == op.id));
    const Key key{out.col, out.id};
    auto it = g_docs.find(key);
    const bool existed = it != g_docs.end();
    if (op.kind == Kind::kPut) {
      CHECK(out.status == (existed ? "modified" : "added"));
      g_docs[key] = op.data;
    } else if (op.kind == Kind::kPatch) {
      CHECK(existed && out.status == "modified");
      it->second = merge_patch(std::move(it->second), op.data);
    } else {
      CHECK(out.status == (existed ? "removed" : "missing"));
      if (existed) g_docs.erase(it);
    }
    if (out.status == "missing") continue;
    CHECK(next_change < changes.size());
    check_change(changes[next_change++], key, out.status);
  }
  CHECK(next_change == changes.size());
}

// GET reads every document back as the model has it; a key the model lacks is a 404.
void check_reads(const std::set<Key>& keys) {
  for (const Key& key : keys) {
    if (!docs::validate_collection(key.first).is_ok() || !docs::validate_id(key.second).is_ok()) continue;
    http::Response r = g_world->call(http::Method::kGet, doc_path(key.first, key.second), "");
    auto it = g_docs.find(key);
    if (it == g_docs.end()) {
      CHECK(r.status == 404);
      continue;
    }
    CHECK(r.status == 200);
    const json::object doc = answer_of(r);
    CHECK(doc.at("_id") == json::value(key.second));
    CHECK(user_fields(doc) == it->second);
  }
}

// DOCS_ROUNDTRIP_TRACE=1: one line per request, to read what an input does.
void trace(const Plan& p, const http::Response& r) {
  static const bool on = std::getenv("DOCS_ROUNDTRIP_TRACE") != nullptr;
  if (!on) return;
  std::fprintf(stderr, "%s %s (%zu bytes%s) -> %d %.200s\n", std::string(http::method_name(p.method)).c_str(),
               p.target.c_str(), p.body.size(), p.must_ack ? ", must be acknowledged" : "", r.status,
               r.status >= 400 ? std::string(r.body_view()).c_str() : "");
}

void run(const Plan& p) {
  const http::Response r = g_world->call(p.method, p.target, p.body);
  trace(p, r);
  std::vector<storage::Change> changes = g_world->changes_after(g_seq);
  if (!changes.empty()) g_seq = changes.back().seq;
  std::set<Key> keys;
  for (const auto& kv : g_docs) keys.insert(kv.first);
  if (p.ops) {
    for (const Op& op : *p.ops) {
      if (!op.server_id) keys.insert({op.col, op.id});
    }
  }
  if (r.status >= 400) {
    CHECK(r.status < 500);
    CHECK(answer_of(r).at("error").at("code").is_string());
    CHECK(!p.must_ack);
    CHECK(changes.empty());
  } else {
    CHECK(p.ops.has_value());
    const std::vector<Outcome> outs = outcomes(p, r);
    apply_acknowledged(*p.ops, outs, changes);
    for (const Outcome& o : outs) keys.insert({o.col, o.id});
    if (!p.batch && r.status != 204) CHECK(user_fields(answer_of(r)) == g_docs.at({"pub", outs.front().id}));
  }
  check_reads(keys);
}

// Deletes what the last input wrote, so each input starts from an empty store.
void reset() {
  if (g_docs.empty()) return;
  storage::WriteBatch batch{"app1", {}};
  for (const auto& kv : g_docs) {
    storage::WriteOp op;
    op.kind = storage::OpKind::kDelete;
    op.collection = kv.first.first;
    op.id = kv.first.second;
    batch.ops.push_back(std::move(op));
  }
  g_world->write_directly(std::move(batch));
  g_docs.clear();
  std::vector<storage::Change> changes = g_world->changes_after(g_seq);
  if (!changes.empty()) g_seq = changes.back().seq;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_world = new fuzz::SqliteDocsWorld();
  std::atexit([] {
    delete g_world;  // closes the store and removes its temp dir
    g_world = nullptr;
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  reset();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int requests = 0; requests < 8 && !input.empty(); ++requests) {
    const size_t end = input.find('\xff');
    if (auto plan = plan_for(input.substr(0, end), requests == 0)) run(*plan);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
  }
  return 0;
}
