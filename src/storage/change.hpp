#pragma once
// One committed document change: the one type that the store's change log returns, the change bus
// carries, the `db-*` feeds publish and replay reads (DESIGN.md §1 change feeds). Small on purpose:
// the channels and cache modules include it without the rest of the store.
#include <cstdint>
#include <string>
#include <string_view>

namespace headroom::storage {

enum class ChangeKind { kAdded = 1, kModified = 2, kRemoved = 3 };
std::string_view change_kind_name(ChangeKind k);  // "added" | "modified" | "removed"

struct Change {
  std::string app;
  std::string collection;
  int64_t seq = 0;  // app-wide, gap-free, in commit order
  ChangeKind kind = ChangeKind::kAdded;
  std::string id;
  std::string doc_json;  // full document after the change; for removals {"_id":...} only
};

}  // namespace headroom::storage
