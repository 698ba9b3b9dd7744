#pragma once
// Bearer credentials in the Authorization header, and the one admin-token check every admin
// route uses (constant-time, so the token cannot be guessed byte by byte through timing).
#include <string_view>

#include "http/message.hpp"

namespace headroom::http {

// The token of "Authorization: Bearer <token>" (scheme case-insensitive); empty when absent.
std::string_view bearer_token(const Request& req);
// True when the request carries exactly the configured admin token (never when it is empty).
bool has_admin_token(const Request& req, std::string_view admin_token);
// 401 UNAUTHENTICATED with WWW-Authenticate, for admin routes.
Response admin_token_required();

}  // namespace headroom::http
