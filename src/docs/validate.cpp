#include "docs/validate.hpp"

#include <boost/json/serialize.hpp>

#include "core/json_input.hpp"

namespace headroom::docs {
namespace json = boost::json;
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
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

Result<json::value> parse_json(std::string_view body, size_t max_bytes) {
  if (body.size() > max_bytes) {
    return Status(Code::kPayloadTooLarge,
                  "body is " + std::to_string(body.size()) + " bytes; the limit is " + std::to_string(max_bytes));
  }
  return parse_client_json(body, kMaxJsonDepth);
}

Result<json::object> document_from(json::value v, std::string_view what) {
  if (!v.is_object()) return invalid_argument(std::string(what) + " must be a JSON object");
  auto& obj = v.get_object();
  for (const char* sys : {"_id", "_version", "_owner", "_created", "_updated"}) obj.erase(sys);
  size_t size = json::serialize(obj).size();
  if (size > kMaxDocumentBytes) {
    return Status(Code::kPayloadTooLarge,
                  "document is " + std::to_string(size) + " bytes; the limit is " + std::to_string(kMaxDocumentBytes));
  }
  return std::move(obj);
}

Result<json::object> parse_document(std::string_view body) {
  auto v = parse_json(body, kMaxDocumentBytes + 4096);
  if (!v) return v.status();
  return document_from(std::move(*v), "document");
}

}  // namespace headroom::docs
