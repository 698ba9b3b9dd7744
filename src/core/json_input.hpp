#pragma once
// Parsing JSON that arrives from clients (HTTP bodies, WebSocket frames, import files). Stricter
// than boost::json::parse: a nesting limit, and numbers must be finite. Boost.JSON reads 1e400 as
// infinity and 0e999999 as NaN, which it then writes back as `Infinity` / `NaN` — text no JSON
// parser accepts — so such input is refused here instead of being stored or relayed.
#include <boost/json/value.hpp>
#include <string_view>

#include "core/status.hpp"

namespace headroom {

inline constexpr int kMaxJsonDepth = 64;  // nesting of objects and arrays

// INVALID_ARGUMENT with a one-line reason for malformed, too deep or non-finite input.
Result<boost::json::value> parse_client_json(std::string_view text, int max_depth = kMaxJsonDepth);

// True if every number in v is finite (what JSON text can express).
bool all_numbers_finite(const boost::json::value& v);

}  // namespace headroom
