#include "storage/index_keys.hpp"

#include <algorithm>

#include "storage/filter.hpp"
#include "storage/json_key.hpp"
#include "storage/json_parse.hpp"

namespace headroom::storage {
namespace json = boost::json;
namespace {

struct Collector {
  std::vector<IndexEntry>& out;
  bool full() const { return out.size() >= kMaxIndexEntriesPerDoc; }

  void add_value(const std::string& path, const json::value& v, int depth) {
    if (full()) return;
    std::string key = encode_key(v);
    bool scalar = !v.is_array() && !v.is_object();
    if (scalar || key.size() <= kMaxWholeValueKeyBytes) out.emplace_back("f:" + path, std::move(key));
    if (depth > kStoredJsonDepth) return;  // no stored document is deeper
    if (v.is_object()) {
      for (const auto& kv : v.get_object()) add_value(path + "." + std::string(kv.key()), kv.value(), depth + 1);
    } else if (v.is_array()) {
      add_elements(path, v.get_array());
    }
  }

  void add_elements(const std::string& path, const json::array& arr) {
    std::vector<std::string> keys;
    for (const auto& e : arr) {
      std::string k = encode_key(e);
      if (k.size() <= kMaxWholeValueKeyBytes) keys.push_back(std::move(k));
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (auto& k : keys) {
      if (full()) return;
      out.emplace_back("a:" + path, std::move(k));
    }
  }
};

}  // namespace

bool composite_key(const IndexDef& def, const Document& doc, const json::object& data, std::string& key) {
  key.clear();
  json::value scratch;
  for (const auto& f : def.fields) {
    const json::value* v = field_value(doc, data, f.path, scratch);
    if (!v) return false;
    std::string part = encode_key(*v);
    key += f.desc ? complement(std::move(part)) : part;
  }
  return true;
}

std::vector<IndexEntry> index_entries(const Document& doc, const json::object& data,
                                      const std::vector<IndexDef>& composites) {
  std::vector<IndexEntry> out;
  out.emplace_back("f:_owner", encode_key(json::string(doc.owner)));
  out.emplace_back("f:_created", encode_key(json::value(doc.created_ms)));
  out.emplace_back("f:_updated", encode_key(json::value(doc.updated_ms)));
  Collector c{out};
  for (const auto& kv : data) c.add_value(std::string(kv.key()), kv.value(), 1);
  std::string key;
  for (const auto& def : composites) {
    if (composite_key(def, doc, data, key)) out.emplace_back("c:" + def.name, key);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace headroom::storage
