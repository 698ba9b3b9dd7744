// POST /v1/apps/{app_id}/batch: up to 500 writes, committed atomically (all or none).
//   {"ops":[{"op":"create|set|patch|delete", "collection":"c", "id":"x", "data":{...},
//            "ifMatch": 3 | "*", "ifNoneMatch": "*"}]}
#include <boost/json/serialize.hpp>

#include "docs/internal.hpp"
#include "docs/validate.hpp"

namespace headroom::docs {
namespace json = boost::json;
using storage::OpKind;
using storage::Precondition;

namespace {

inline constexpr size_t kMaxBatchOps = 500;

Status op_error(size_t i, const Status& s) {
  return Status(s.code(), "ops[" + std::to_string(i) + "]: " + s.message(), "{\"index\":" + std::to_string(i) + "}");
}

Result<Precondition> batch_precondition(const json::object& o) {
  Precondition pre;
  if (const json::value* m = o.if_contains("ifMatch")) {
    if (m->is_string() && m->get_string() == "*") {
      pre.kind = Precondition::Kind::kExists;
    } else if (m->is_int64() && m->get_int64() > 0) {
      pre = {Precondition::Kind::kVersion, m->get_int64(), {}};
    } else {
      return invalid_argument("ifMatch must be a version number or \"*\"");
    }
  }
  if (const json::value* n = o.if_contains("ifNoneMatch")) {
    if (!n->is_string() || n->get_string() != "*") return invalid_argument("ifNoneMatch must be \"*\"");
    if (pre.kind != Precondition::Kind::kNone) return invalid_argument("use either ifMatch or ifNoneMatch");
    pre.kind = Precondition::Kind::kMissing;
  }
  return pre;
}

Result<OpKind> op_kind(const json::value* v, bool& create) {
  if (!v || !v->is_string()) return invalid_argument("op must be one of create, set, patch, delete");
  std::string_view k = v->get_string();
  create = k == "create";
  if (k == "create" || k == "set" || k == "put") return OpKind::kPut;
  if (k == "patch" || k == "update") return OpKind::kPatch;
  if (k == "delete") return OpKind::kDelete;
  return invalid_argument("unknown op '" + std::string(k) + "' (use create, set, patch, delete)");
}

}  // namespace

void Documents::batch(http::Request& req, http::Responder respond) {
  auto t = prelude(req, respond, true, false);
  if (!t) return count(kOpBatch, false);
  auto fail = [&](const Status& s) {
    count(kOpBatch, false);
    respond(http::error_response(s));
  };
  auto body = parse_batch_json(req.body, kMaxRequestBytes);
  if (!body) return fail(body.status());
  json::value* ops = body->is_object() ? body->get_object().if_contains("ops") : nullptr;
  if (!ops || !ops->is_array() || ops->get_array().empty() || ops->get_array().size() > kMaxBatchOps) {
    return fail(invalid_argument("body must be {\"ops\":[...]} with 1-500 operations"));
  }
  storage::WriteBatch batch{t->app->id, {}};
  int64_t writes = 0, deletes = 0;
  auto& list = ops->get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_object()) return fail(op_error(i, invalid_argument("must be an object")));
    auto& o = list[i].get_object();
    bool create = false;
    auto kind = op_kind(o.if_contains("op"), create);
    if (!kind) return fail(op_error(i, kind.status()));
    const json::value* col = o.if_contains("collection");
    if (!col || !col->is_string()) return fail(op_error(i, invalid_argument("collection must be a string")));
    storage::WriteOp op{*kind, std::string(col->get_string()), {}, {}, t->caller.subject, {}};
    if (Status s = validate_collection(op.collection); !s) return fail(op_error(i, s));
    const auto& rules = config().rules_for(*t->app, op.collection);
    RuleDecision rule = check_rule(rules.write, t->caller, "writing to", op.collection);
    if (!rule.status) return fail(op_error(i, rule.status));
    const json::value* id = o.if_contains("id");
    if (id && !id->is_string()) return fail(op_error(i, invalid_argument("id must be a string")));
    op.id = id ? std::string(id->get_string()) : create ? new_document_id() : "";
    if (Status s = validate_id(op.id); !s) return fail(op_error(i, s));
    auto pre = batch_precondition(o);
    if (!pre) return fail(op_error(i, pre.status()));
    op.pre = *pre;
    if (create) op.pre.kind = Precondition::Kind::kMissing;
    if (rule.owner_only) op.pre.owner = t->caller.subject;
    if (*kind != OpKind::kDelete) {
      json::value* data = o.if_contains("data");
      if (!data) return fail(op_error(i, invalid_argument("data is required")));
      auto doc = document_from(std::move(*data), "data");  // the parsed value travels on: no re-parse
      if (!doc) return fail(op_error(i, doc.status()));
      op.data = std::move(*doc);
    }
    (*kind == OpKind::kDelete ? deletes : writes) += 1;
    batch.ops.push_back(std::move(op));
  }
  if (Status s = quotas_.check(t->app->id, Quotas::kWrite, writes); !s) return fail(s);
  if (Status s = quotas_.check(t->app->id, Quotas::kDelete, deletes); !s) return fail(s);
  quotas_.add(t->app->id, Quotas::kWrite, writes);
  quotas_.add(t->app->id, Quotas::kDelete, deletes);
  auto cols = std::make_shared<std::vector<std::string>>();
  for (const auto& op : batch.ops) cols->push_back(op.collection);
  store_->write(std::move(batch),
                [this, cols, respond = std::move(respond)](Result<std::vector<storage::WriteResult>> r) {
                  count(kOpBatch, r.is_ok());
                  if (!r) return respond(http::error_response(r.status()));
                  json::array results;
                  for (size_t i = 0; i < r->size(); ++i) {
                    const auto& w = (*r)[i];
                    json::object o{{"collection", (*cols)[i]}, {"_id", w.doc.id}};
                    o["status"] = w.changed ? std::string(storage::change_kind_name(w.kind)) : "missing";
                    if (w.changed) o["seq"] = w.seq;
                    if (w.changed && w.kind != storage::ChangeKind::kRemoved) o["_version"] = w.doc.version;
                    results.push_back(std::move(o));
                  }
                  respond(http::json_response(200, json::serialize(json::object{{"results", std::move(results)}})));
                });
}

}  // namespace headroom::docs
