#include "docs/query_parse.hpp"

#include <algorithm>
#include <charconv>

#include "docs/validate.hpp"

namespace headroom::docs {
namespace json = boost::json;
namespace {

bool is_list_op(storage::FilterOp op) {
  return op == storage::FilterOp::kIn || op == storage::FilterOp::kNotIn || op == storage::FilterOp::kArrayContainsAny;
}

Result<storage::Filter> parse_filter(const json::value& v, size_t i) {
  std::string where = "where[" + std::to_string(i) + "]";
  if (!v.is_array() || v.get_array().size() != 3) return invalid_argument(where + " must be [field, op, value]");
  const auto& a = v.get_array();
  if (!a[0].is_string()) return invalid_argument(where + ": field must be a string");
  if (!a[1].is_string()) return invalid_argument(where + ": op must be a string");
  std::string path(a[0].get_string());
  if (Status s = validate_field_path(path); !s) return invalid_argument(where + ": " + s.message());
  if (path == "_version") return invalid_argument(where + ": _version is not queryable (use If-Match on writes)");
  auto op = storage::parse_filter_op(a[1].get_string());
  if (!op) {
    return invalid_argument(where + ": unknown operator '" + std::string(a[1].get_string()) +
                            "' (use == != < <= > >= in not-in array-contains array-contains-any)");
  }
  if (is_list_op(*op)) {
    if (!a[2].is_array() || a[2].get_array().empty() || a[2].get_array().size() > kMaxInValues) {
      return invalid_argument(where + ": '" + std::string(storage::filter_op_name(*op)) + "' needs an array of 1-" +
                              std::to_string(kMaxInValues) + " values");
    }
  }
  return storage::Filter{std::move(path), *op, a[2]};
}

Result<storage::OrderBy> parse_order(const json::value& v, size_t i) {
  std::string where = "orderBy[" + std::to_string(i) + "]";
  storage::OrderBy o;
  const json::value* field = &v;
  if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty() || a.size() > 2) return invalid_argument(where + " must be [field, \"asc\"|\"desc\"]");
    field = &a[0];
    if (a.size() == 2) {
      if (!a[1].is_string() || (a[1].get_string() != "asc" && a[1].get_string() != "desc")) {
        return invalid_argument(where + ": direction must be \"asc\" or \"desc\"");
      }
      o.desc = a[1].get_string() == "desc";
    }
  }
  if (!field->is_string()) return invalid_argument(where + ": field must be a string");
  o.path = std::string(field->get_string());
  if (Status s = validate_field_path(o.path); !s) return invalid_argument(where + ": " + s.message());
  if (o.path == "_version") return invalid_argument(where + ": _version is not queryable");
  return o;
}

Status parse_lists(const json::object& obj, storage::Query& q) {
  if (const json::value* w = obj.if_contains("where")) {
    if (!w->is_array()) return invalid_argument("where must be an array of [field, op, value]");
    if (w->get_array().size() > kMaxFilters) return invalid_argument("at most 32 filters");
    for (size_t i = 0; i < w->get_array().size(); ++i) {
      auto f = parse_filter(w->get_array()[i], i);
      if (!f) return f.status();
      q.where.push_back(std::move(*f));
    }
  }
  if (const json::value* o = obj.if_contains("orderBy")) {
    if (!o->is_array()) return invalid_argument("orderBy must be an array");
    if (o->get_array().size() > 8) return invalid_argument("at most 8 orderBy fields");
    for (size_t i = 0; i < o->get_array().size(); ++i) {
      auto ob = parse_order(o->get_array()[i], i);
      if (!ob) return ob.status();
      q.order_by.push_back(std::move(*ob));
    }
  }
  return Status::ok();
}

}  // namespace

Result<int> parse_limit(std::string_view text) {
  int n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n < 1 || n > kMaxLimit) {
    return invalid_argument("limit must be an integer from 1 to " + std::to_string(kMaxLimit));
  }
  return n;
}

Result<ParsedQuery> parse_query(const json::value& body) {
  if (!body.is_object()) return invalid_argument("query must be a JSON object");
  const auto& obj = body.get_object();
  for (const auto& kv : obj) {
    static const std::string_view kKnown[] = {"where", "orderBy", "limit", "after", "count", "explain"};
    if (std::find(std::begin(kKnown), std::end(kKnown), kv.key()) == std::end(kKnown)) {
      return invalid_argument("unknown query field '" + std::string(kv.key()) + "'");
    }
  }
  ParsedQuery out;
  auto& q = out.query;
  q.limit = kDefaultLimit;
  if (Status s = parse_lists(obj, q); !s) return s;
  if (const json::value* l = obj.if_contains("limit")) {
    if (!l->is_int64() || l->get_int64() < 1 || l->get_int64() > kMaxLimit) {
      return invalid_argument("limit must be an integer from 1 to " + std::to_string(kMaxLimit));
    }
    q.limit = static_cast<int>(l->get_int64());
  }
  if (const json::value* a = obj.if_contains("after"); a && !a->is_null()) {
    if (!a->is_string()) return invalid_argument("after must be a cursor string");
    q.after = std::string(a->get_string());
  }
  for (auto [key, flag] : {std::pair{"count", &q.count_only}, std::pair{"explain", &out.explain}}) {
    if (const json::value* v = obj.if_contains(key)) {
      if (!v->is_bool()) return invalid_argument(std::string(key) + " must be true or false");
      *flag = v->get_bool();
    }
  }
  return out;
}

}  // namespace headroom::docs
