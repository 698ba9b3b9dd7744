#pragma once
// A parsed document query (the body of POST …/query), independent of any store.
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/document.hpp"

namespace headroom::storage {

enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn, kArrayContains, kArrayContainsAny };
std::optional<FilterOp> parse_filter_op(std::string_view text);
std::string_view filter_op_name(FilterOp op);

struct Filter {
  std::string path;  // dotted: "address.city"; system fields "_id", "_owner", "_created", …
  FilterOp op = FilterOp::kEq;
  boost::json::value value;
};

struct OrderBy {
  std::string path;
  bool desc = false;
};

struct Query {
  std::string app;
  std::string collection;
  std::vector<Filter> where;
  std::vector<OrderBy> order_by;
  int limit = 100;
  std::string after;  // opaque cursor from a previous page; empty: from the start
  bool count_only = false;
  bool allow_scan = false;  // may fall back to scanning the collection when no index fits
};

struct QueryResult {
  std::vector<Document> docs;
  std::string next;  // cursor for the next page; empty when there is none
  int64_t count = 0;
  std::string plan;     // "primary" | "index" | "scan"
  std::string index;    // the index used, in index_name() form (empty for primary/scan)
  int64_t scanned = 0;  // entries examined
};

}  // namespace headroom::storage
