#pragma once
// The one JSON parser of the document path: client bodies and import lines (at the edge) and the
// text the store wrote itself (documents read back for a merge patch, old values for index diffs,
// query candidates) go through parse_json_exact, so a value parsed at the edge and the value read
// back from its stored text are the same value, at every depth the limits allow.
//
// Why not boost::json::parse: (1) its default depth limit is 32 while clients may send 64, and a
// second parse with a smaller limit silently lost data; (2) Boost.JSON 1.81 reads about one double
// in four one unit in the last place off (serialize → parse does not give the value back), so every
// re-read of a stored document would drift its numbers. Here every double is read from its text
// with std::from_chars (correctly rounded); integers are exact already.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string_view>

#include "core/json_input.hpp"
#include "core/status.hpp"

namespace headroom::storage {

// Stored text was produced from validated values, so it never nests deeper than the client limit.
inline constexpr int kStoredJsonDepth = kMaxJsonDepth;
static_assert(kStoredJsonDepth >= kMaxJsonDepth, "stored documents must read back at every depth clients may send");

// Client input: INVALID_ARGUMENT for malformed, too deep (> max_depth nested objects/arrays) or
// non-finite input (1e400), with the same messages as core's parse_client_json. `depth_note` is
// appended to the too-deep message (e.g. how an envelope's levels add to a document's 64).
Result<boost::json::value> parse_json_exact(std::string_view text, int max_depth = kMaxJsonDepth,
                                            std::string_view depth_note = {});

// Text the server stored: a failure means the stored data is damaged or the code is wrong, never
// the client's fault: INTERNAL naming `what` (e.g. "document c/x"). Never an empty stand-in.
Result<boost::json::value> parse_stored_json(std::string_view text, std::string_view what);
Result<boost::json::object> parse_stored_object(std::string_view text, std::string_view what);

}  // namespace headroom::storage
