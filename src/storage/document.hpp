#pragma once
// A stored document: system fields plus the user's JSON object.
#include <cstdint>
#include <string>
#include <string_view>

namespace headroom::storage {

// The system fields every document has; they are columns, never part of `data`.
inline bool is_system_field(std::string_view key) {
  return key == "_id" || key == "_version" || key == "_owner" || key == "_created" || key == "_updated";
}

struct Document {
  std::string id;
  int64_t version = 0;
  std::string owner;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::string data;  // JSON object text with the user's fields only

  // The document as clients see it: system fields first, then the user's fields.
  std::string to_json() const;
};

}  // namespace headroom::storage
