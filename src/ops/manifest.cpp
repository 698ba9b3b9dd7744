#include "ops/manifest.hpp"

#include <boost/json.hpp>

namespace headroom::ops {
namespace json = boost::json;
namespace {

template <typename V>
json::object to_object(const std::map<std::string, V>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

}  // namespace

std::string Manifest::to_json() const {
  json::object o{{"format", format},
                 {"headroom_version", headroom_version},
                 {"created_ms", created_ms},
                 {"duration_ms", duration_ms},
                 {"db_bytes", db_bytes},
                 {"seqs", to_object(seqs)},
                 {"documents", to_object(documents)},
                 {"files", to_object(files)}};
  return json::serialize(o) + "\n";
}

Result<Manifest> Manifest::parse(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return invalid_argument("manifest.json is not a JSON object");
  Manifest m;
  try {
    const auto& o = v.get_object();
    // Compared before narrowing: format 4294967297 must not pass as 1.
    const int64_t format = o.at("format").to_number<int64_t>();
    if (format != kBackupFormat)
      return invalid_argument("manifest format " + std::to_string(format) + " is not supported");
    m.format = kBackupFormat;
    m.headroom_version = std::string(o.at("headroom_version").as_string());
    m.created_ms = o.at("created_ms").to_number<int64_t>();
    if (auto* d = o.if_contains("duration_ms")) m.duration_ms = d->to_number<int64_t>();
    if (auto* d = o.if_contains("db_bytes")) m.db_bytes = d->to_number<int64_t>();
    for (const auto& [k, x] : o.at("seqs").as_object()) m.seqs[std::string(k)] = x.to_number<int64_t>();
    for (const auto& [k, x] : o.at("documents").as_object()) m.documents[std::string(k)] = x.to_number<int64_t>();
    for (const auto& [k, x] : o.at("files").as_object()) m.files[std::string(k)] = std::string(x.as_string());
  } catch (const std::exception& e) {
    return invalid_argument(std::string("manifest.json: ") + e.what());
  }
  return m;
}

}  // namespace headroom::ops
