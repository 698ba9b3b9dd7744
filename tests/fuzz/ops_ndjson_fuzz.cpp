// libFuzzer target for one line of an NDJSON import (src/ops/ndjson.hpp parse_line): every line of
// a file a user hands to `headroom import`. Invariant: an accepted line names an app, a collection
// and an id, and carries a document that is a JSON object.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json_input.hpp"
#include "ops/ndjson.hpp"

using namespace headroom;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  std::string app, collection, id, doc;
  if (!ops::parse_line(line, app, collection, id, doc).is_ok()) return 0;
  if (app.empty() || collection.empty() || id.empty()) std::abort();
  auto parsed = parse_client_json(doc);
  if (!parsed.is_ok() || !parsed->is_object()) std::abort();
  return 0;
}
