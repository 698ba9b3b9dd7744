#pragma once
// Chooses how to run a query: the primary key (ordered by id), one index range scan (single-field
// or composite), or — only when the app allows it — a scan of the whole collection. Every plan
// re-checks all filters on each candidate, so an index only narrows, never decides.
#include <string>
#include <vector>

#include "core/status.hpp"
#include "storage/query.hpp"
#include "storage/store.hpp"

namespace headroom::storage {

struct KeyRange {
  std::string lo;  // inclusive
  std::string hi;  // exclusive; "\xff" = unbounded (no key starts with 0xff)
};

struct Plan {
  enum class Kind { kPrimary, kIndex, kScan };
  Kind kind = Kind::kPrimary;
  std::string index;             // idx.name: "f:<path>", "a:<path>", "c:<index name>"
  std::string display;           // for explain
  std::vector<KeyRange> ranges;  // ascending, disjoint
  bool reverse = false;          // walk keys (and ids) descending
  bool dedupe = false;           // a document may appear under several keys
  std::vector<OrderBy> sort;     // kScan: sort order (then id)
  std::string fingerprint;       // binds cursors to the query shape
};

inline constexpr std::string_view kKeyMax = "\xff";

// `ready` are the collection's usable composite indexes. Errors: INVALID_ARGUMENT for queries
// Firestore rejects too, FAILED_PRECONDITION (with details naming the index) when an index is missing.
Result<Plan> plan_query(const Query& q, const std::vector<IndexDef>& ready);

// The sort key of a document under a kScan plan; false when it lacks an orderBy field.
bool scan_sort_key(const Plan& plan, const Document& doc, const boost::json::object& data, std::string& key);

// Cursors: opaque to clients, validated against the plan.
struct CursorPos {
  std::string key;
  std::string id;
};
std::string encode_cursor(const Plan& plan, const CursorPos& pos);
Result<CursorPos> decode_cursor(const Plan& plan, std::string_view cursor);

}  // namespace headroom::storage
