// Listing and querying a collection.
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "docs/internal.hpp"
#include "docs/query_parse.hpp"
#include "docs/validate.hpp"

namespace headroom::docs {
namespace json = boost::json;

namespace {

std::string render_result(const storage::QueryResult& r, bool count_only, bool explain) {
  std::string out = "{";
  if (count_only) {
    out += "\"count\":" + std::to_string(r.count);
  } else {
    out += "\"docs\":[";
    for (size_t i = 0; i < r.docs.size(); ++i) {
      if (i) out += ',';
      out += r.docs[i].to_json();
    }
    out += "],\"next\":";
    out += r.next.empty() ? std::string("null") : json::serialize(json::string(r.next));
  }
  if (explain) {
    json::object e{{"plan", r.plan}, {"index", r.index}, {"scanned", r.scanned},
                   {"returned", static_cast<int64_t>(r.docs.size())}};
    out += ",\"explain\":" + json::serialize(e);
  }
  out += "}";
  return out;
}

}  // namespace

void Documents::run_query(const Target& t, storage::Query q, bool explain, http::Responder respond) {
  if (Status s = quotas_.check(t.app->id, Quotas::kRead); !s) {
    count(kOpQuery, false);
    return respond(http::error_response(s));
  }
  q.app = t.app->id;
  q.collection = t.col;
  q.allow_scan = t.app->allow_scans;
  if (t.rule.owner_only) q.where.push_back({"_owner", storage::FilterOp::kEq, json::string(t.caller.subject)});
  bool count_only = q.count_only;
  std::string app = t.app->id;
  store_->query(std::move(q), [this, app, count_only, explain, respond = std::move(respond)](Result<storage::QueryResult> r) {
    count(kOpQuery, r.is_ok());
    if (!r) return respond(query_error(r.status()));
    quotas_.add(app, Quotas::kRead, std::max<int64_t>(1, static_cast<int64_t>(r->docs.size())));
    respond(http::json_response(200, render_result(*r, count_only, explain)));
  });
}

void Documents::list_docs(http::Request& req, http::Responder respond) {
  auto t = prelude(req, respond, false);
  if (!t) return count(kOpQuery, false);
  storage::Query q;
  q.limit = kDefaultLimit;
  if (req.has_query_param("limit")) {
    auto limit = parse_limit(req.query_param("limit"));
    if (!limit) return respond(http::error_response(limit.status()));
    q.limit = *limit;
  }
  q.after = req.query_param("after");
  run_query(*t, std::move(q), req.query_param("explain") == "true", std::move(respond));
}

void Documents::query_docs(http::Request& req, http::Responder respond) {
  auto t = prelude(req, respond, false);
  if (!t) return count(kOpQuery, false);
  auto body = parse_json(req.body, kMaxRequestBytes);
  if (!body) return respond(http::error_response(body.status()));
  auto parsed = parse_query(*body);
  if (!parsed) return respond(http::error_response(parsed.status()));
  run_query(*t, std::move(parsed->query), parsed->explain, std::move(respond));
}

}  // namespace headroom::docs
