// Fuzzes the query path short of storage: JSON body → parse_query → plan_query, then evaluates
// every filter on a fixed document and feeds the input to the cursor decoder. Nothing may crash,
// and a plan's key ranges must be well-formed (lo <= hi).
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "docs/query_parse.hpp"
#include "docs/validate.hpp"
#include "storage/filter.hpp"
#include "storage/planner.hpp"

using namespace headroom;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const storage::Document kDoc{"id1", 3, "alice", 1, 2, R"({"a":1,"b":{"c":[1,"x",null]},"s":"str","t":true})"};
  static const boost::json::object kData = boost::json::parse(kDoc.data).as_object();
  static const std::vector<storage::IndexDef> kIndexes = {
      {"c:a:asc:s:desc", "c", {{"a", false}, {"s", true}}, "ready"},
      {"c:b.c:asc:a:asc", "c", {{"b.c", false}, {"a", false}}, "ready"},
  };
  auto body = docs::parse_json(text, docs::kMaxRequestBytes);
  if (!body) return 0;
  auto parsed = docs::parse_query(*body);
  if (!parsed) return 0;
  storage::Query q = std::move(parsed->query);
  q.app = "app";
  q.collection = "c";
  q.allow_scan = size % 2 == 0;
  (void)storage::matches_all(q.where, kDoc, kData);
  auto plan = storage::plan_query(q, kIndexes);
  if (!plan) return 0;
  for (const auto& r : plan->ranges) {
    if (r.hi < r.lo) std::abort();
  }
  std::string key;
  (void)storage::scan_sort_key(*plan, kDoc, kData, key);
  (void)storage::decode_cursor(*plan, q.after);
  auto round = storage::decode_cursor(*plan, storage::encode_cursor(*plan, {key, kDoc.id}));
  if (!round || round->key != key || round->id != kDoc.id) std::abort();
  return 0;
}
