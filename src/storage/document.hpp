#pragma once
// A stored document: system fields plus the user's JSON object.
#include <cstdint>
#include <string>

namespace headroom::storage {

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
