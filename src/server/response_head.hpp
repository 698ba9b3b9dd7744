#pragma once
// Serialises the status line and headers of a response. Bodies are written separately (gather
// write), so a cached body is never copied.
#include <string>

#include "http/message.hpp"

namespace headroom::server {

std::string_view reason_phrase(int status);
// keep_alive decides the Connection header; head_only keeps Content-Length but sends no body.
std::string serialize_head(const http::Response& res, std::string_view request_id, bool keep_alive);
// The same into `out` (cleared first; its capacity is reused from response to response).
void serialize_head(std::string& out, const http::Response& res, std::string_view request_id, bool keep_alive);
// "Fri, 27 Nov 2026 05:24:18 GMT", recomputed at most once a second per thread.
std::string_view http_date();

}  // namespace headroom::server
