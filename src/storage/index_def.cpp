// The stored form of composite index definitions (the indexes table, export/import, replay).
#include <boost/json/serialize.hpp>

#include "storage/json_parse.hpp"
#include "storage/store.hpp"

namespace headroom::storage {
namespace json = boost::json;

std::string index_fields_json(const std::vector<IndexField>& fields) {
  json::array out;
  for (const auto& f : fields) out.push_back(json::array{json::string(f.path), f.desc ? "desc" : "asc"});
  return json::serialize(out);
}

Result<std::vector<IndexField>> parse_index_fields(std::string_view text, const std::string& index) {
  auto v = parse_stored_json(text, "index " + index);
  if (!v) return v.status();
  std::vector<IndexField> out;
  const json::array* list = v->if_array();
  for (size_t i = 0; list && i < list->size(); ++i) {
    const json::array* pair = (*list)[i].if_array();
    if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) break;
    out.push_back({std::string((*pair)[0].get_string()), (*pair)[1].get_string() == "desc"});
  }
  if (!list || out.size() != list->size()) return internal_error("stored index " + index + " has malformed fields");
  return out;
}

}  // namespace headroom::storage
