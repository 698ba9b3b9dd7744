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

// Parses client JSON (storage/json_parse.hpp: kMaxJsonDepth levels, finite numbers, doubles read
// exactly). INVALID_ARGUMENT for malformed, too deep or out-of-range input; PAYLOAD_TOO_LARGE above
// max_bytes. The value it returns is the value the store keeps: nothing parses the text again.
Result<boost::json::value> parse_json(std::string_view body, size_t max_bytes);
// A batch body {"ops":[{..., "data":{...}}]}: the envelope's three levels come on top of the 64 each
// op's data may nest, so a batch op stores whatever a PUT may.
inline constexpr int kBatchEnvelopeLevels = 3;
Result<boost::json::value> parse_batch_json(std::string_view body, size_t max_bytes);
// A document body (PUT/POST) or merge patch (PATCH): a JSON object of at most 1 MiB. System fields
// (_id, _version, _owner, _created, _updated) are dropped: the server owns them.
Result<boost::json::object> document_from(boost::json::value v, std::string_view what);
Result<boost::json::object> parse_document(std::string_view body);

}  // namespace headroom::docs
