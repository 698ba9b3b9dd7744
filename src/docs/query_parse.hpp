#pragma once
// The query body of POST …/query:
//   {"where":[["field","op",value],...], "orderBy":[["field","asc|desc"]] | ["field"],
//    "limit":N, "after":"cursor", "count":true, "explain":true}
#include <boost/json/value.hpp>

#include "core/status.hpp"
#include "storage/query.hpp"

namespace headroom::docs {

inline constexpr int kDefaultLimit = 100;
inline constexpr int kMaxLimit = 1000;
inline constexpr size_t kMaxInValues = 30;  // Firestore's limit for in / not-in / array-contains-any
inline constexpr size_t kMaxFilters = 32;

struct ParsedQuery {
  storage::Query query;
  bool explain = false;
};

// Fills everything but app, collection and allow_scan.
Result<ParsedQuery> parse_query(const boost::json::value& body);
Result<int> parse_limit(std::string_view text);  // the ?limit= of GET …/docs

}  // namespace headroom::docs
