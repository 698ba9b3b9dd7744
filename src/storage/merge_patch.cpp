#include "storage/merge_patch.hpp"

namespace headroom::storage {
namespace json = boost::json;

void apply_merge_patch(json::value& target, const json::value& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = json::object();
  auto& obj = target.get_object();
  for (const auto& kv : patch.get_object()) {
    if (kv.value().is_null()) {
      obj.erase(kv.key());
    } else {
      apply_merge_patch(obj[kv.key()], kv.value());
    }
  }
}

}  // namespace headroom::storage
