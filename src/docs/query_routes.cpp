// Listing and querying a collection.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <cstdlib>

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
    json::object e{{"plan", r.plan},
                   {"index", r.index},
                   {"scanned", r.scanned},
                   {"returned", static_cast<int64_t>(r.docs.size())}};
    out += ",\"explain\":" + json::serialize(e);
  }
  out += "}";
  return out;
}

// The cache key of a query: its parts in a fixed order, so the same query gives the same text.
std::string normalized_query(const storage::Query& q) {
  json::array where, order;
  for (const auto& f : q.where) {
    where.push_back(json::array{json::string(f.path), json::string(storage::filter_op_name(f.op)), f.value});
  }
  for (const auto& o : q.order_by) {
    order.push_back(json::array{json::string(o.path), json::string(o.desc ? "desc" : "asc")});
  }
  return json::serialize(json::object{{"where", std::move(where)},
                                      {"order", std::move(order)},
                                      {"limit", q.limit},
                                      {"after", q.after},
                                      {"count", q.count_only},
                                      {"scan", q.allow_scan}});
}

// Cached query bytes: "<reads charged>\n<response JSON>".
cache::Value cached_query(int64_t reads, const std::string& body) {
  return std::make_shared<const std::string>(std::to_string(reads) + "\n" + body);
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
  const bool cacheable = cache_ && cache_->enabled() && !t.rule.owner_only && !explain;
  std::string key = cacheable ? normalized_query(q) : std::string();
  if (cacheable) {
    if (auto hit = cache_->get_query(app, t.col, key)) {
      count(kOpQuery, true);
      const auto nl = hit->find('\n');
      quotas_.add(app, Quotas::kRead, std::max<int64_t>(1, std::atoll(hit->substr(0, nl).c_str())));
      return respond(http::json_response(200, hit->substr(nl + 1)));
    }
  }
  const cache::Ticket ticket = cacheable ? cache_->begin_read() : 0;  // before the storage read
  store_->query(std::move(q), [this, app, col = t.col, key = std::move(key), cacheable, ticket, count_only, explain,
                               respond = std::move(respond)](Result<storage::QueryResult> r) {
    count(kOpQuery, r.is_ok());
    if (!r) return respond(query_error(r.status()));
    const int64_t reads = std::max<int64_t>(1, static_cast<int64_t>(r->docs.size()));
    quotas_.add(app, Quotas::kRead, reads);
    std::string body = render_result(*r, count_only, explain);
    if (cacheable) (void)cache_->fill_query(app, col, key, ticket, cached_query(reads, body));
    respond(http::json_response(200, std::move(body)));
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
