#pragma once
// Entity-tags (RFC 9110 §8.8.3) and the If-Match / If-None-Match lists of §13.1. A document's
// ETag is its version as a strong tag: "3". Parsing turns a header into the versions it names;
// how a tag compares decides which tags can match (§8.8.3.2): under strong comparison (If-Match)
// a weak tag W/"3" never matches; under weak comparison (If-None-Match) it matches "3".
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "storage/store.hpp"

namespace headroom::docs {

enum class EtagCompare { kStrong, kWeak };
inline constexpr size_t kMaxEtagsPerHeader = 64;

std::string etag_of(int64_t version);  // "\"3\""

// "*" or a comma-separated list of entity-tags (empty elements and OWS allowed, §5.6.1).
// INVALID_ARGUMENT only for a malformed header; an empty header is "absent" (present = false).
Result<storage::VersionSet> parse_etag_list(std::string_view header, EtagCompare compare);

}  // namespace headroom::docs
