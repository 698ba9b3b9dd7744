#include "http/bearer.hpp"

#include "core/crypto.hpp"

namespace headroom::http {

std::string_view bearer_token(const Request& req) {
  std::string_view h = req.header("authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (h.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(h[i])) != kScheme[i]) return {};
  }
  h.remove_prefix(kScheme.size());
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  return h;
}

bool has_admin_token(const Request& req, std::string_view admin_token) {
  if (admin_token.empty()) return false;
  return crypto::constant_time_equal(bearer_token(req), admin_token);
}

Response admin_token_required() {
  auto res = error_response(Code::kUnauthenticated, "admin token required: Authorization: Bearer <admin.token>");
  res.set_header("WWW-Authenticate", "Bearer realm=\"headroom-admin\"");
  return res;
}

}  // namespace headroom::http
