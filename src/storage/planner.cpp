#include "storage/planner.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <set>

#include "core/crypto.hpp"
#include "storage/filter.hpp"
#include "storage/json_key.hpp"

namespace headroom::storage {
namespace json = boost::json;
namespace {

// Key bounds of one field segment behind prefix `p`, as a [lo, hi) range.
struct Bounds {
  std::string lo, hi;
  void raise(std::string v) { lo = std::max(lo, std::move(v)); }
  void lower(std::string v) { hi = std::min(hi, std::move(v)); }
};

Bounds whole_prefix(const std::string& p) {
  std::string hi = p.empty() ? std::string(kKeyMax) : prefix_successor(p);
  return {p, hi.empty() ? std::string(kKeyMax) : hi};
}

Bounds range_bounds(const std::string& p, const std::vector<const Filter*>& ranges, bool desc) {
  unsigned char tag = type_tag(ranges[0]->value);
  unsigned char start = tag == kTagTrue ? static_cast<unsigned char>(kTagFalse) : tag;
  unsigned char end = (tag == kTagFalse ? static_cast<unsigned char>(kTagTrue) : tag) + 1;
  Bounds b;
  if (!desc) {
    b = {p + char(start), p + char(end)};
  } else {
    b = {p + char(static_cast<unsigned char>(~(end - 1))), p + char(static_cast<unsigned char>(~start) + 1)};
  }
  for (const Filter* f : ranges) {
    if (type_tag(f->value) != tag && !(tag <= kTagTrue && type_tag(f->value) <= kTagTrue)) {
      return {p, p};  // values of different types: nothing matches
    }
    std::string enc = encode_key(f->value);
    std::string v = p + (desc ? complement(enc) : enc);
    bool lower_bound = f->op == FilterOp::kGt || f->op == FilterOp::kGe;
    bool inclusive = f->op == FilterOp::kGe || f->op == FilterOp::kLe;
    if (lower_bound != desc) {
      b.raise(inclusive ? v : prefix_successor(v));
    } else {
      b.lower(inclusive ? prefix_successor(v) : v);
    }
  }
  if (b.hi < b.lo) b.hi = b.lo;
  return b;
}

std::string fingerprint(const Query& q, const Plan& p) {
  std::string s =
      q.collection + "|" + std::to_string(static_cast<int>(p.kind)) + "|" + p.index + "|" + (p.reverse ? "r" : "f");
  for (const auto& o : q.order_by) s += "|" + o.path + (o.desc ? "-" : "+");
  return crypto::sha256_hex(s).substr(0, 8);
}

struct Shape {
  std::vector<const Filter*> eq;      // ==
  std::vector<const Filter*> ranges;  // < <= > >=
  const Filter* in = nullptr;         // in
  const Filter* contains = nullptr;   // array-contains
  const Filter* any = nullptr;        // array-contains-any
  const Filter* not_equal = nullptr;  // != / not-in
  std::vector<OrderBy> order;
};

Result<Shape> analyse(const Query& q) {
  Shape s;
  for (const auto& f : q.where) {
    switch (f.op) {
      case FilterOp::kEq:
        s.eq.push_back(&f);
        break;
      case FilterOp::kIn:
      case FilterOp::kArrayContainsAny:
      case FilterOp::kNotIn:
        if (s.in || s.any || (s.not_equal && s.not_equal->op == FilterOp::kNotIn)) {
          return invalid_argument("a query may use only one of in, not-in and array-contains-any");
        }
        (f.op == FilterOp::kIn ? s.in : f.op == FilterOp::kArrayContainsAny ? s.any : s.not_equal) = &f;
        break;
      case FilterOp::kArrayContains:
        if (s.contains) return invalid_argument("a query may use array-contains only once");
        s.contains = &f;
        break;
      case FilterOp::kNe:
        if (!s.not_equal) s.not_equal = &f;
        break;
      default:
        if (!s.ranges.empty() && s.ranges[0]->path != f.path) {
          return invalid_argument("range filters (<, <=, >, >=) must all be on one field; found '" + s.ranges[0]->path +
                                  "' and '" + f.path + "'");
        }
        s.ranges.push_back(&f);
    }
  }
  s.order = q.order_by;
  for (size_t i = 0; i < s.order.size(); ++i) {
    if (s.order[i].path == "_id" && s.order.size() > 1) {
      return invalid_argument("orderBy _id can only be used alone");
    }
  }
  if (!s.ranges.empty()) {
    const std::string& r = s.ranges[0]->path;
    if (s.order.empty()) s.order.push_back({r, false});
    if (s.order[0].path != r) {
      return invalid_argument("the first orderBy must be the range filter's field '" + r + "'");
    }
  }
  return s;
}

Plan single_index(const std::string& name, std::vector<KeyRange> ranges, bool reverse, bool dedupe) {
  Plan p;
  p.kind = Plan::Kind::kIndex;
  p.index = name;
  p.display = name.substr(2) + (name[0] == 'a' ? " (array elements)" : "") + (reverse ? " desc" : " asc");
  p.ranges = std::move(ranges);
  p.reverse = reverse;
  p.dedupe = dedupe;
  return p;
}

std::vector<KeyRange> value_ranges(const json::value& list) {
  std::set<std::string> keys;
  for (const auto& v : list.get_array()) keys.insert(encode_key(v));
  std::vector<KeyRange> out;
  for (const auto& k : keys) out.push_back({k, prefix_successor(k)});
  return out;
}

KeyRange eq_range(const json::value& v) {
  std::string k = encode_key(v);
  return {k, prefix_successor(k)};
}

// No ordering beyond id: drive by the most selective filter that has an index.
Plan unordered_plan(const Shape& s, bool reverse) {
  for (const Filter* eq : s.eq) {
    if (eq->path != "_id") return single_index("f:" + eq->path, {eq_range(eq->value)}, reverse, false);
  }
  if (s.contains) return single_index("a:" + s.contains->path, {eq_range(s.contains->value)}, reverse, false);
  if (s.in && s.in->path != "_id") return single_index("f:" + s.in->path, value_ranges(s.in->value), reverse, false);
  if (s.any) return single_index("a:" + s.any->path, value_ranges(s.any->value), reverse, true);
  if (s.not_equal && s.not_equal->path != "_id") {
    return single_index("f:" + s.not_equal->path, {{"", std::string(kKeyMax)}}, reverse, false);
  }
  Plan p;
  p.kind = Plan::Kind::kPrimary;
  p.display = "primary key (_id)";
  p.reverse = reverse;
  return p;
}

bool index_fits(const IndexDef& def, const std::set<std::string>& eq, const std::vector<OrderBy>& order,
                bool& reverse) {
  if (def.fields.size() != eq.size() + order.size()) return false;
  for (size_t i = 0; i < eq.size(); ++i) {
    if (!eq.count(def.fields[i].path)) return false;
  }
  bool same = true, inverted = true;
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& f = def.fields[eq.size() + i];
    if (f.path != order[i].path) return false;
    same = same && f.desc == order[i].desc;
    inverted = inverted && f.desc != order[i].desc;
  }
  reverse = !same;
  return same || inverted;
}

Status missing_index(const Query& q, const std::set<std::string>& eq, const std::vector<OrderBy>& order) {
  json::array fields;
  std::vector<IndexField> def_fields;
  for (const auto& p : eq) def_fields.push_back({p, false});
  for (const auto& o : order) def_fields.push_back({o.path, o.desc});
  for (const auto& f : def_fields) fields.push_back(json::array{json::string(f.path), f.desc ? "desc" : "asc"});
  json::object details{{"index", json::object{{"collection", q.collection}, {"fields", fields}}},
                       {"name", index_name(q.collection, def_fields)}};
  return Status(Code::kFailedPrecondition,
                "this query needs a composite index on " + q.collection + " (" + json::serialize(fields) +
                    "); create it with POST /v1/apps/" + q.app + "/indexes " + json::serialize(details["index"]) +
                    " or set allow_scans for the app",
                json::serialize(details));
}

Plan composite_plan(const IndexDef& def, const Shape& s, bool reverse) {
  std::string prefix;
  for (size_t i = 0; i < s.eq.size() && i < def.fields.size(); ++i) {
    const auto& f = def.fields[i];
    auto it = std::find_if(s.eq.begin(), s.eq.end(), [&](const Filter* e) { return e->path == f.path; });
    if (it == s.eq.end()) break;
    std::string enc = encode_key((*it)->value);
    prefix += f.desc ? complement(enc) : enc;
  }
  std::set<std::string> eq_paths;
  for (const Filter* e : s.eq) eq_paths.insert(e->path);
  Bounds b = whole_prefix(prefix);
  if (!s.ranges.empty()) b = range_bounds(prefix, s.ranges, def.fields[eq_paths.size()].desc);
  Plan p;
  p.kind = Plan::Kind::kIndex;
  p.index = "c:" + def.name;
  p.display = def.name + (reverse ? " (reversed)" : "");
  p.ranges = {{b.lo, b.hi}};
  p.reverse = reverse;
  return p;
}

Result<Plan> choose(const Query& q, const Shape& s, const std::vector<IndexDef>& ready) {
  if (s.order.empty() || (s.order.size() == 1 && s.order[0].path == "_id")) {
    return unordered_plan(s, !s.order.empty() && s.order[0].desc);
  }
  std::set<std::string> eq;
  for (const Filter* f : s.eq) eq.insert(f->path);
  const OrderBy& first = s.order[0];
  if (eq.empty() && s.order.size() == 1) {
    if (s.ranges.empty()) return single_index("f:" + first.path, {{"", std::string(kKeyMax)}}, first.desc, false);
    Bounds b = range_bounds("", s.ranges, false);
    return single_index("f:" + first.path, {{b.lo, b.hi}}, first.desc, false);
  }
  for (const auto& def : ready) {
    bool reverse = false;
    if (def.collection == q.collection && index_fits(def, eq, s.order, reverse)) return composite_plan(def, s, reverse);
  }
  if (!q.allow_scan) return missing_index(q, eq, s.order);
  Plan p;
  p.kind = Plan::Kind::kScan;
  p.display = "collection scan (no index; allow_scans)";
  p.sort = s.order;
  return p;
}

}  // namespace

Result<Plan> plan_query(const Query& q, const std::vector<IndexDef>& ready) {
  auto shape = analyse(q);
  if (!shape) return shape.status();
  auto plan = choose(q, *shape, ready);
  if (plan) plan->fingerprint = fingerprint(q, *plan);
  return plan;
}

bool scan_sort_key(const Plan& plan, const Document& doc, const json::object& data, std::string& key) {
  key.clear();
  json::value scratch;
  for (const auto& o : plan.sort) {
    const json::value* v = field_value(doc, data, o.path, scratch);
    if (!v) return false;
    std::string enc = encode_key(*v);
    key += o.desc ? complement(std::move(enc)) : enc;
  }
  return true;
}

std::string encode_cursor(const Plan& plan, const CursorPos& pos) {
  char len[9];
  std::snprintf(len, sizeof len, "%08zx", pos.key.size());
  return crypto::base64url_encode(plan.fingerprint + len + pos.key + pos.id);
}

Result<CursorPos> decode_cursor(const Plan& plan, std::string_view cursor) {
  auto raw = crypto::base64url_decode(cursor);
  if (!raw || raw->size() < 16) return invalid_argument("malformed cursor 'after'");
  if (raw->compare(0, 8, plan.fingerprint) != 0) {
    return invalid_argument("cursor 'after' belongs to a different query");
  }
  size_t len = 0;
  for (int i = 8; i < 16; ++i) {
    char c = (*raw)[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return invalid_argument("malformed cursor 'after'");
    len = len * 16 + d;
  }
  if (len > raw->size() - 16) return invalid_argument("malformed cursor 'after'");
  return CursorPos{raw->substr(16, len), raw->substr(16 + len)};
}

}  // namespace headroom::storage
