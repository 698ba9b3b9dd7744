#include "storage/document.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "storage/store.hpp"

namespace headroom::storage {

std::string Document::to_json() const {
  std::string out;
  out.reserve(data.size() + id.size() + owner.size() + 96);
  out += "{\"_id\":";
  out += boost::json::serialize(boost::json::string(id));
  out += ",\"_version\":" + std::to_string(version);
  out += ",\"_owner\":";
  out += boost::json::serialize(boost::json::string(owner));
  out += ",\"_created\":" + std::to_string(created_ms);
  out += ",\"_updated\":" + std::to_string(updated_ms);
  size_t open = data.find('{');
  std::string_view rest = open == std::string::npos ? std::string_view("}") : std::string_view(data).substr(open + 1);
  size_t first = rest.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && rest[first] != '}') out += ',';
  out += rest;
  return out;
}

bool VersionSet::matches(int64_t version) const {
  return any || std::find(versions.begin(), versions.end(), version) != versions.end();
}

std::string index_name(const std::string& collection, const std::vector<IndexField>& fields) {
  // ':' separates the parts, so a ':' in a field path (which may hold any character) is written
  // %3A, and '%' itself %25: otherwise [a:asc:b asc, c asc] and [a asc, b:asc:c asc] share a name.
  std::string name = collection;
  for (const auto& f : fields) {
    name += ':';
    for (char c : f.path) {
      if (c == ':') {
        name += "%3A";
      } else if (c == '%') {
        name += "%25";
      } else {
        name += c;
      }
    }
    name += f.desc ? ":desc" : ":asc";
  }
  return name;
}

}  // namespace headroom::storage
