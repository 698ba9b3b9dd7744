#include "storage/merge_patch.hpp"

namespace headroom::storage {
namespace json = boost::json;

void apply_merge_patch(json::object& target, const json::object& patch) {
  for (const auto& kv : patch) {
    if (kv.value().is_null()) {
      target.erase(kv.key());
    } else {
      apply_merge_patch(target[kv.key()], kv.value());
    }
  }
}

void apply_merge_patch(json::value& target, const json::value& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = json::object();
  apply_merge_patch(target.get_object(), patch.get_object());
}

}  // namespace headroom::storage
