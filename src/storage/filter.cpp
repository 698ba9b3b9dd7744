#include "storage/filter.hpp"

#include "storage/json_key.hpp"

namespace headroom::storage {
namespace json = boost::json;
namespace {

bool any_equal(const json::array& list, const json::value& v) {
  for (const auto& e : list) {
    if (values_equal(e, v)) return true;
  }
  return false;
}

bool array_contains(const json::value* field, const json::value& v) {
  return field && field->is_array() && any_equal(field->get_array(), v);
}

}  // namespace

const json::value* field_value(const Document& doc, const json::object& data, std::string_view path,
                               json::value& scratch) {
  if (!path.empty() && path[0] == '_') {
    if (path == "_id") return &(scratch = json::string(doc.id));
    if (path == "_owner") return &(scratch = json::string(doc.owner));
    if (path == "_version") return &(scratch = doc.version);
    if (path == "_created") return &(scratch = doc.created_ms);
    if (path == "_updated") return &(scratch = doc.updated_ms);
  }
  return find_path(data, path);
}

bool matches(const Filter& f, const json::value* field) {
  switch (f.op) {
    case FilterOp::kEq:
      return field && values_equal(*field, f.value);
    case FilterOp::kNe:
      return field && !values_equal(*field, f.value);
    case FilterOp::kIn:
      return field && f.value.is_array() && any_equal(f.value.get_array(), *field);
    case FilterOp::kNotIn:
      return field && f.value.is_array() && !any_equal(f.value.get_array(), *field);
    case FilterOp::kArrayContains:
      return array_contains(field, f.value);
    case FilterOp::kArrayContainsAny:
      if (!f.value.is_array()) return false;
      for (const auto& e : f.value.get_array()) {
        if (array_contains(field, e)) return true;
      }
      return false;
    default:
      break;
  }
  if (!field || type_tag(*field) != type_tag(f.value)) return false;
  int c = compare_values(*field, f.value);
  switch (f.op) {
    case FilterOp::kLt:
      return c < 0;
    case FilterOp::kLe:
      return c <= 0;
    case FilterOp::kGt:
      return c > 0;
    case FilterOp::kGe:
      return c >= 0;
    default:
      return false;
  }
}

bool matches_all(const std::vector<Filter>& where, const Document& doc, const json::object& data) {
  json::value scratch;
  for (const auto& f : where) {
    if (!matches(f, field_value(doc, data, f.path, scratch))) return false;
  }
  return true;
}

std::optional<FilterOp> parse_filter_op(std::string_view t) {
  if (t == "==") return FilterOp::kEq;
  if (t == "!=") return FilterOp::kNe;
  if (t == "<") return FilterOp::kLt;
  if (t == "<=") return FilterOp::kLe;
  if (t == ">") return FilterOp::kGt;
  if (t == ">=") return FilterOp::kGe;
  if (t == "in") return FilterOp::kIn;
  if (t == "not-in") return FilterOp::kNotIn;
  if (t == "array-contains") return FilterOp::kArrayContains;
  if (t == "array-contains-any") return FilterOp::kArrayContainsAny;
  return std::nullopt;
}

std::string_view filter_op_name(FilterOp op) {
  static constexpr std::string_view kNames[] = {
      "==", "!=", "<", "<=", ">", ">=", "in", "not-in", "array-contains", "array-contains-any"};
  return kNames[static_cast<int>(op)];
}

}  // namespace headroom::storage
