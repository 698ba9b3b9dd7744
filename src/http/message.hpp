#pragma once
// Transport-neutral HTTP request and response. Handlers in every module see only these types, so
// they compile without Beast; src/server converts to and from the wire.
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace headroom::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view method_name(Method m);

// Who the caller is, as far as admission and rate limits care. Filled by auth middleware.
enum class Tier { kAnonymous = 0, kAuthenticated = 1, kVip = 2, kServer = 3 };
std::string_view tier_name(Tier t);

// The HTTP server reuses one Request per connection (its strings keep their capacity): a field
// added here must also be reset per request in src/server/http_session.cpp (build_request).
struct Request {
  Method method = Method::kGet;
  std::string target;                                        // as received: path + "?" + query
  std::string path;                                          // percent-decoded path, without query
  std::string query;                                         // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::string remote_ip;
  std::string request_id;
  std::vector<std::pair<std::string, std::string>> params;  // path parameters from the router
  Tier tier = Tier::kAnonymous;
  std::string subject;  // authenticated caller (JWT sub or signed-in user); empty when anonymous
  // Set by filters for the filters that run after them (e.g. rate-limit headers to add).
  std::vector<std::pair<std::string, std::string>> response_headers;

  std::string_view header(std::string_view lower_name) const;  // "" when absent
  std::string_view param(std::string_view name) const;         // "" when absent
  // First value of a query parameter, percent-decoded; nullopt-like empty when absent.
  std::string query_param(std::string_view name) const;
  bool has_query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: application/json (kept empty so a response allocates nothing for it)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, sent instead of `body`: shared bytes (cached responses) need no copy. The body is
  // shared_body from shared_offset on (a cache entry may carry a small header before it).
  std::shared_ptr<const std::string> shared_body;
  size_t shared_offset = 0;
  bool close = false;  // ask the server to close the connection after sending

  Response& set_header(std::string name, std::string value);
  std::string_view body_view() const {
    return shared_body ? std::string_view(*shared_body).substr(std::min(shared_offset, shared_body->size())) : body;
  }
};

// A Responder must be called exactly once, from any thread; it hands the response back to the
// connection that asked.
using Responder = std::function<void(Response)>;
using Handler = std::function<void(Request&, Responder)>;

Response json_response(int status, std::string body);
// The /v1 error format: {"error":{"code":"...","message":"...","details":{...}}}
Response error_response(const Status& status);
Response error_response(Code code, std::string_view message);

std::string percent_decode(std::string_view in, bool plus_as_space = false);

}  // namespace headroom::http
