// Fuzzes JSON merge patch (RFC 7386) and the value keys it feeds. Input: target JSON, a newline,
// patch JSON. Invariants: a non-object patch replaces the target; applying a patch twice equals
// applying it once; keys order a value equal to itself and are stable.
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "docs/validate.hpp"
#include "storage/json_key.hpp"
#include "storage/merge_patch.hpp"

using namespace headroom;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return 0;
  auto target = docs::parse_json(text.substr(0, nl), 1 << 16);
  auto patch = docs::parse_json(text.substr(nl + 1), 1 << 16);
  if (!target || !patch) return 0;
  boost::json::value once = *target;
  storage::apply_merge_patch(once, *patch);
  if (!patch->is_object() && once != *patch) std::abort();
  boost::json::value twice = once;
  storage::apply_merge_patch(twice, *patch);
  if (twice != once) std::abort();
  if (storage::compare_values(once, twice) != 0) std::abort();
  if (storage::encode_key(once) != storage::encode_key(twice)) std::abort();
  int ab = storage::compare_values(*target, *patch), ba = storage::compare_values(*patch, *target);
  if (ab != -ba) std::abort();
  return 0;
}
