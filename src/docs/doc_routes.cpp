// Single-document routes: GET, PUT, POST (server id), PATCH (merge patch), DELETE.
#include <boost/json/serialize.hpp>
#include <charconv>

#include "docs/etag.hpp"
#include "docs/internal.hpp"
#include "docs/validate.hpp"

namespace headroom::docs {
namespace json = boost::json;
using storage::Precondition;

namespace {

// A GET's If-Match / If-None-Match, parsed before the request object is reused. Malformed
// headers on a GET are ignored: the GET is answered as if they were absent.
struct GetConditions {
  storage::VersionSet match, none;
};

GetConditions conditional_headers(const http::Request& req) {
  GetConditions c;
  if (auto m = parse_etag_list(req.header("if-match"), EtagCompare::kStrong)) c.match = std::move(*m);
  if (auto n = parse_etag_list(req.header("if-none-match"), EtagCompare::kWeak)) c.none = std::move(*n);
  return c;
}

// A GET's answer from the document's cached bytes ("<version>\n<json>"): 412 when If-Match
// names no current version (strong comparison), 304 when If-None-Match matches (weak
// comparison, RFC 9110 §13.1.2), else 200 with the cached JSON sent in place, without a copy.
http::Response get_response(const cache::Value& entry, const GetConditions& cond, const std::string& cache_control) {
  const std::string& cached = *entry;
  const auto nl = cached.find('\n');
  const std::string_view version_text(cached.data(), nl);
  int64_t version = 0;
  std::from_chars(version_text.data(), version_text.data() + version_text.size(), version);
  http::Response r;
  if (cond.match.present && !cond.match.matches(version)) {
    r = http::error_response(Code::kFailedPrecondition,
                             "If-Match: the document is at version " + std::to_string(version));
  } else if (cond.none.present && cond.none.matches(version)) {
    r.status = 304;
  } else {
    r.shared_body = entry;
    r.shared_offset = nl + 1;
  }
  r.set_header("ETag", "\"" + std::string(version_text) + "\"");
  if (!cache_control.empty()) r.set_header("Cache-Control", cache_control);
  return r;
}

// Cache-Control from the collection's config, sent only where anyone may read.
std::string public_cache_control(const config::Config& config, const Documents::Target& t) {
  const auto& rules = config.rules_for(*t.app, t.col);
  return rules.read == "public" ? rules.cache_control : std::string();
}

}  // namespace

cache::Value cached_doc(const storage::Document& doc) {
  return std::make_shared<const std::string>(std::to_string(doc.version) + "\n" + doc.to_json());
}

Result<Precondition> precondition_from(const http::Request& req) {
  Precondition pre;
  auto match = parse_etag_list(req.header("if-match"), EtagCompare::kStrong);
  if (!match) return Status(Code::kInvalidArgument, "If-Match: " + match.status().message());
  auto none = parse_etag_list(req.header("if-none-match"), EtagCompare::kWeak);
  if (!none) return Status(Code::kInvalidArgument, "If-None-Match: " + none.status().message());
  pre.if_match = std::move(*match);
  pre.if_none_match = std::move(*none);
  return pre;
}

void Documents::get_doc(http::Request& req, http::Responder respond) {
  auto t = prelude(req, respond, false);
  if (!t) return count(kOpGet, false);
  std::string id(req.param("id"));
  if (Status s = validate_id(id); !s) return respond(http::error_response(s));
  if (Status s = quotas_.charge(t->app->id, Quotas::kRead); !s) return respond(http::error_response(s));
  std::string cache_control = public_cache_control(config(), *t);
  const bool cacheable = cache_ && cache_->enabled() && !t->rule.owner_only;
  if (cacheable) {
    if (auto hit = cache_->get_doc(t->app->id, t->col, id)) {
      count(kOpGet, true);
      return respond(get_response(hit, conditional_headers(req), cache_control));
    }
  }
  const cache::Ticket ticket = cacheable ? cache_->begin_read() : 0;  // before the storage read
  store_->get(
      t->app->id, t->col, id,
      [this, t = *t, id, conditions = conditional_headers(req), cache_control, cacheable, ticket,
       respond = std::move(respond)](Result<std::optional<storage::Document>> r) {
        count(kOpGet, r.is_ok());
        if (!r) return respond(http::error_response(r.status()));
        if (!r->has_value())
          return respond(http::error_response(Code::kNotFound, "document " + t.col + "/" + id + " not found"));
        const storage::Document& doc = **r;
        if (t.rule.owner_only && doc.owner != t.caller.subject) {
          return respond(http::error_response(Code::kPermissionDenied, "document " + id + " belongs to another user"));
        }
        cache::Value bytes = cached_doc(doc);
        if (cacheable) (void)cache_->fill_doc(t.app->id, t.col, id, ticket, bytes);
        respond(get_response(bytes, conditions, cache_control));
      });
}

void Documents::write_one(const Target& t, storage::WriteOp op, Quotas::Kind kind, http::Responder respond) {
  int metric = op.kind == storage::OpKind::kPut ? kOpPut : op.kind == storage::OpKind::kPatch ? kOpPatch : kOpDelete;
  if (Status s = quotas_.charge(t.app->id, kind); !s) {
    count(metric, false);
    return respond(http::error_response(s));
  }
  if (t.rule.owner_only) op.pre.owner = t.caller.subject;
  op.owner = t.caller.subject;
  storage::WriteBatch b{t.app->id, {}};
  b.ops.push_back(std::move(op));
  // The cache follows the change bus (cache/module.hpp): it drops this document before the store
  // calls back, so there is nothing to invalidate here.
  store_->write(std::move(b),
                [this, metric, respond = std::move(respond)](Result<std::vector<storage::WriteResult>> r) {
                  count(metric, r.is_ok());
                  if (!r) return respond(http::error_response(r.status()));
                  const storage::WriteResult& w = r->front();
                  if (metric == kOpDelete) {
                    if (!w.changed)
                      return respond(http::error_response(Code::kNotFound, "document " + w.doc.id + " not found"));
                    http::Response gone;
                    gone.status = 204;
                    return respond(std::move(gone));
                  }
                  http::Response res = doc_response(w.kind == storage::ChangeKind::kAdded ? 201 : 200, w.doc);
                  res.set_header("X-Headroom-Seq", std::to_string(w.seq));
                  respond(std::move(res));
                });
}

void Documents::put_doc(http::Request& req, http::Responder respond, bool server_id) {
  auto t = prelude(req, respond, true);
  if (!t) return count(kOpPut, false);
  std::string id = server_id ? new_document_id() : std::string(req.param("id"));
  if (Status s = validate_id(id); !s) return respond(http::error_response(s));
  auto pre = precondition_from(req);
  if (!pre) return respond(http::error_response(pre.status()));
  if (server_id) pre->kind = Precondition::Kind::kMissing;
  auto body = parse_document(req.body);
  if (!body) return respond(http::error_response(body.status()));
  storage::WriteOp op{storage::OpKind::kPut, t->col, id, std::move(*body), {}, *pre};
  if (server_id) {
    std::string location = "/v1/apps/" + t->app->id + "/collections/" + t->col + "/docs/" + id;
    respond = [location, respond = std::move(respond)](http::Response r) {
      if (r.status == 201) r.set_header("Location", location);
      respond(std::move(r));
    };
  }
  write_one(*t, std::move(op), Quotas::kWrite, std::move(respond));
}

void Documents::patch_doc(http::Request& req, http::Responder respond) {
  auto t = prelude(req, respond, true);
  if (!t) return count(kOpPatch, false);
  std::string id(req.param("id"));
  if (Status s = validate_id(id); !s) return respond(http::error_response(s));
  auto pre = precondition_from(req);
  if (!pre) return respond(http::error_response(pre.status()));
  auto body = parse_document(req.body);
  if (!body) return respond(http::error_response(body.status()));
  write_one(*t, {storage::OpKind::kPatch, t->col, id, std::move(*body), {}, *pre}, Quotas::kWrite, std::move(respond));
}

void Documents::delete_doc(http::Request& req, http::Responder respond) {
  auto t = prelude(req, respond, true);
  if (!t) return count(kOpDelete, false);
  std::string id(req.param("id"));
  if (Status s = validate_id(id); !s) return respond(http::error_response(s));
  auto pre = precondition_from(req);
  if (!pre) return respond(http::error_response(pre.status()));
  write_one(*t, {storage::OpKind::kDelete, t->col, id, {}, {}, *pre}, Quotas::kDelete, std::move(respond));
}

}  // namespace headroom::docs
