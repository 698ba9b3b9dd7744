#include "docs/validate.hpp"

#include <boost/json/serialize.hpp>

#include "storage/document.hpp"
#include "storage/json_parse.hpp"

namespace headroom::docs {
namespace json = boost::json;
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// object::erase moves the last member into the gap; copy instead, so the user's order survives.
json::object without_system_fields(json::object obj) {
  bool any = false;
  for (const auto& kv : obj) any = any || storage::is_system_field(kv.key());
  if (!any) return obj;
  json::object out;
  out.reserve(obj.size());
  for (auto& kv : obj) {
    if (!storage::is_system_field(kv.key())) out.emplace(kv.key(), std::move(kv.value()));
  }
  return out;
}

}  // namespace

Status validate_collection(std::string_view name) {
  if (name.empty() || name.size() > 64) return invalid_argument("collection name must be 1-64 characters");
  if (name[0] == '_') return invalid_argument("collection names starting with '_' are reserved");
  for (char c : name) {
    if (!is_name_char(c)) return invalid_argument("collection name may only use letters, digits, '_' and '-'");
  }
  return Status::ok();
}

Status validate_id(std::string_view id) {
  if (id.empty() || id.size() > 256) return invalid_argument("document id must be 1-256 characters");
  if (id == "." || id == "..") return invalid_argument("document id may not be '.' or '..'");
  for (char c : id) {
    if (!is_name_char(c) && c != '.' && c != '~' && c != '@' && c != ':' && c != '+') {
      return invalid_argument("document id may only use letters, digits and _ - . ~ @ : +");
    }
  }
  return Status::ok();
}

Status validate_field_path(std::string_view path) {
  if (path.empty() || path.size() > 1024) return invalid_argument("field path must be 1-1024 characters");
  if (path.front() == '.' || path.back() == '.' || path.find("..") != std::string_view::npos) {
    return invalid_argument("field path '" + std::string(path) + "' has an empty segment");
  }
  return Status::ok();
}

namespace {

Result<json::value> parse_body(std::string_view body, size_t max_bytes, int depth, std::string_view depth_note) {
  if (body.size() > max_bytes) {
    return Status(Code::kPayloadTooLarge,
                  "body is " + std::to_string(body.size()) + " bytes; the limit is " + std::to_string(max_bytes));
  }
  return storage::parse_json_exact(body, depth, depth_note);
}

}  // namespace

Result<json::value> parse_json(std::string_view body, size_t max_bytes) {
  return parse_body(body, max_bytes, kMaxJsonDepth, {});
}

Result<json::value> parse_batch_json(std::string_view body, size_t max_bytes) {
  return parse_body(body, max_bytes, kMaxJsonDepth + kBatchEnvelopeLevels,
                    " (an op's data may nest " + std::to_string(kMaxJsonDepth) + " inside {\"ops\":[{...}]})");
}

Result<json::object> document_from(json::value v, std::string_view what) {
  if (!v.is_object()) return invalid_argument(std::string(what) + " must be a JSON object");
  json::object obj = without_system_fields(std::move(v.get_object()));
  size_t size = json::serialize(obj).size();
  if (size > kMaxDocumentBytes) {
    return Status(Code::kPayloadTooLarge,
                  "document is " + std::to_string(size) + " bytes; the limit is " + std::to_string(kMaxDocumentBytes));
  }
  return obj;
}

Result<json::object> parse_document(std::string_view body) {
  auto v = parse_json(body, kMaxDocumentBytes + 4096);
  if (!v) return v.status();
  return document_from(std::move(*v), "document");
}

}  // namespace headroom::docs
