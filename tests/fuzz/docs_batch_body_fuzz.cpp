// Fuzzes POST /v1/apps/{app_id}/batch bodies through the real route (JSON parse, per-op
// validation, rules, preconditions, transforms) over a store that records what reaches it.
// Input: byte 0 picks the caller (docs_world.hpp), the rest is the body.
// Invariants: all or nothing (200 exactly when one batch reached the store, with as many results
// as ops); a refusal is a documented /v1 error with the error JSON; every op that reaches the
// store has a valid collection and id, a precondition that makes sense, data (a JSON object)
// whose text the API's own parser reads back to the same value and text, without system fields;
// and the rules held: anonymous callers write only public collections, users never server-only
// ones, owner-only writes are pinned to the caller.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>

#include "docs/validate.hpp"
#include "docs_world.hpp"

using namespace headroom;

namespace {

void check_op(const storage::WriteOp& op, int caller) {
  CHECK(docs::validate_collection(op.collection).is_ok());
  CHECK(docs::validate_id(op.id).is_ok());
  if (caller == 0) CHECK(op.collection == "pub");
  if (caller == 1) CHECK(op.collection != "srv");
  if (caller == 1 && op.collection == "mine") CHECK(op.pre.owner == "alice");
  if (op.pre.kind == storage::Precondition::Kind::kVersion) CHECK(op.pre.version > 0);
  if (op.kind == storage::OpKind::kDelete) return;
  // The value the store is handed is the one it will keep as text: that text reads back, with the
  // API's own parser, to the same value and the same text.
  const std::string text = boost::json::serialize(op.data);
  auto data = docs::parse_json(text, docs::kMaxRequestBytes);
  CHECK(data && data->is_object());
  CHECK(data->get_object() == op.data);
  CHECK(boost::json::serialize(*data) == text);
  for (const char* sys : {"_id", "_version", "_owner", "_created", "_updated"}) {
    CHECK(!op.data.contains(sys));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::DocsWorld world;
  if (size == 0) return 0;
  const int caller = data[0] % 5;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  http::Response res = world.call(http::Method::kPost, "/v1/apps/app1/batch", body, caller);
  boost::system::error_code ec;
  boost::json::value answer = boost::json::parse(res.body_view(), ec);
  CHECK(!ec && answer.is_object());
  if (!world.calls.write) {
    CHECK(fuzz::documented_error(res.status));
    CHECK(answer.get_object().at("error").at("code").is_string());
    return 0;
  }
  const auto& batch = *world.calls.write;
  CHECK(res.status == 200);
  CHECK(!batch.ops.empty() && batch.ops.size() <= 500);
  CHECK(answer.get_object().at("results").get_array().size() == batch.ops.size());
  CHECK(caller != 3 && caller != 4);  // neither the admin token nor a malformed one is a JWT
  for (const auto& op : batch.ops) check_op(op, caller);
  return 0;
}
