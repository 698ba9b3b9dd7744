#pragma once
// Checks on client input for the document API: names, JSON bodies (size, depth, shape).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string_view>

#include "core/status.hpp"

namespace headroom::docs {

inline constexpr size_t kMaxDocumentBytes = 1 << 20;  // DESIGN.md §2
inline constexpr size_t kMaxRequestBytes = 2 << 20;   // batches and queries

Status validate_collection(std::string_view name);  // [A-Za-z0-9_-]{1,64}, not starting with '_'
Status validate_id(std::string_view id);            // [A-Za-z0-9_.~@:+-]{1,256}, not "." or ".."
Status validate_field_path(std::string_view path);  // dotted, non-empty segments, ≤ 1024 bytes

// Parses client JSON (core/json_input.hpp: depth limit, finite numbers). INVALID_ARGUMENT for
// malformed, too deep or out-of-range input; PAYLOAD_TOO_LARGE above max_bytes.
Result<boost::json::value> parse_json(std::string_view body, size_t max_bytes);
// A document body (PUT/POST) or merge patch (PATCH): a JSON object of at most 1 MiB. System fields
// (_id, _version, _owner, _created, _updated) are dropped: the server owns them.
Result<boost::json::object> document_from(boost::json::value v, std::string_view what);
Result<boost::json::object> parse_document(std::string_view body);

}  // namespace headroom::docs
