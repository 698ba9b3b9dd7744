#include "docs/access.hpp"

#include "docs/jwt.hpp"
#include "http/bearer.hpp"

namespace headroom::docs {

Result<Caller> caller_from(const http::Request& req, const config::AppConfig& app, int64_t now_s) {
  if (req.header("authorization").empty()) return Caller{};
  std::string_view token = http::bearer_token(req);
  if (token.empty()) return Status(Code::kUnauthenticated, "Authorization must be 'Bearer <token>'");
  auto claims = verify_jwt_cached(token, app_jwt_secret(app), now_s);
  if (!claims) return claims.status();
  return Caller{claims->tier, claims->sub};
}

namespace {
// Built only when a rule refuses: the allowed path (every request) formats nothing.
std::string what(std::string_view action, std::string_view collection) {
  if (collection.empty()) return std::string(action);
  return std::string(action) + " collection '" + std::string(collection) + "'";
}
}  // namespace

RuleDecision check_rule(std::string_view rule, const Caller& caller, std::string_view action,
                        std::string_view collection) {
  if (rule == "public" || caller.server()) return {};
  if (!caller.signed_in()) {
    return {Status(Code::kUnauthenticated,
                   what(action, collection) + " needs a signed-in caller (Authorization: Bearer <token>)")};
  }
  if (rule == "authenticated") return {};
  if (rule == "owner") return {Status::ok(), true};
  return {Status(Code::kPermissionDenied, what(action, collection) + " is reserved for the app's server")};
}

bool may_read(std::string_view rule, const Caller& caller, std::string_view owner) {
  RuleDecision d = check_rule(rule, caller, "read");
  return d.status.is_ok() && (!d.owner_only || owner == caller.subject);
}

}  // namespace headroom::docs
