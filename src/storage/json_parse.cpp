#include "storage/json_parse.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>
#include <cmath>
#include <string>

namespace headroom::storage {
namespace json = boost::json;
using boost::system::error_code;
namespace {

// Boost.JSON's own value-building handler (detail/handler.hpp), except that doubles are read
// again from their text, correctly rounded. Non-finite numbers stop the parse.
struct ExactHandler {
  static constexpr size_t max_object_size = json::object::max_size();
  static constexpr size_t max_array_size = json::array::max_size();
  static constexpr size_t max_key_size = json::string::max_size();
  static constexpr size_t max_string_size = json::string::max_size();

  json::value_stack st;
  std::string number;  // the text of a number split across writes (on_number_part)
  bool out_of_range = false;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(size_t n, error_code&) {
    st.push_object(n);
    return true;
  }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(size_t n, error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, size_t, error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, size_t, error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, size_t, error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, size_t, error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(int64_t i, json::string_view, error_code&) {
    number.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(uint64_t u, json::string_view, error_code&) {
    number.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, error_code& ec) {
    number.append(s.data(), s.size());
    double exact = 0;
    auto [end, err] = std::from_chars(number.data(), number.data() + number.size(), exact);
    const bool parsed = err == std::errc() && end == number.data() + number.size();
    number.clear();
    // from_chars also reports underflow as out of range: the text is a valid number, so keep
    // Boost's reading of it (zero or a subnormal) unless it is infinite.
    if (parsed) d = exact;
    if (!std::isfinite(d)) {
      out_of_range = true;
      ec = json::error::exponent_overflow;
      return false;
    }
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }
};

}  // namespace

Result<json::value> parse_json_exact(std::string_view text, int max_depth, std::string_view depth_note) {
  json::parse_options opt;
  opt.max_depth = static_cast<size_t>(max_depth < 1 ? 1 : max_depth);
  json::basic_parser<ExactHandler> p(opt);
  p.handler().st.reset();
  error_code ec;
  const size_t n = p.write_some(false, text.data(), text.size(), ec);
  if (!ec && n < text.size()) ec = json::error::extra_data;
  if (p.handler().out_of_range) {
    return invalid_argument("JSON number out of range: numbers must be finite (about ±1.8e308)");
  }
  if (ec == json::error::too_deep) {
    return invalid_argument("JSON nests deeper than " + std::to_string(max_depth) + " levels" +
                            std::string(depth_note));
  }
  if (ec) return invalid_argument("malformed JSON: " + ec.message());
  return p.handler().st.release();
}

Result<json::value> parse_stored_json(std::string_view text, std::string_view what) {
  auto v = parse_json_exact(text, kStoredJsonDepth);
  if (!v) return internal_error("stored " + std::string(what) + " is unreadable: " + v.status().message());
  return v;
}

Result<json::object> parse_stored_object(std::string_view text, std::string_view what) {
  auto v = parse_stored_json(text, what);
  if (!v) return v.status();
  if (!v->is_object()) return internal_error("stored " + std::string(what) + " is not a JSON object");
  return std::move(v->get_object());
}

}  // namespace headroom::storage
