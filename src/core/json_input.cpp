#include "core/json_input.hpp"

#include <boost/json/parser.hpp>
#include <cmath>
#include <string>
#include <vector>

namespace headroom {
namespace json = boost::json;

bool all_numbers_finite(const json::value& root) {
  // Explicit stack: input depth is bounded by the parser, but this also serves values built in code.
  std::vector<const json::value*> todo{&root};
  while (!todo.empty()) {
    const json::value* v = todo.back();
    todo.pop_back();
    switch (v->kind()) {
      case json::kind::double_:
        if (!std::isfinite(v->get_double())) return false;
        break;
      case json::kind::array:
        for (const auto& e : v->get_array()) todo.push_back(&e);
        break;
      case json::kind::object:
        for (const auto& kv : v->get_object()) todo.push_back(&kv.value());
        break;
      default:
        break;
    }
  }
  return true;
}

Result<json::value> parse_client_json(std::string_view text, int max_depth) {
  json::parse_options opt;
  opt.max_depth = static_cast<size_t>(max_depth);
  json::parser p(json::storage_ptr(), opt);
  boost::system::error_code ec;
  p.write(text.data(), text.size(), ec);
  if (ec == json::error::too_deep) {
    return invalid_argument("JSON nests deeper than " + std::to_string(max_depth) + " levels");
  }
  if (ec) return invalid_argument("malformed JSON: " + ec.message());
  json::value v = p.release();
  if (!all_numbers_finite(v)) {
    return invalid_argument("JSON number out of range: numbers must be finite (about ±1.8e308)");
  }
  return v;
}

}  // namespace headroom
