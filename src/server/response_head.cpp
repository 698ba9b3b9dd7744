#include "server/response_head.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <ctime>

namespace headroom::server {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

std::string_view http_date() {
  thread_local time_t cached_second = 0;
  thread_local char buf[64];
  time_t now = time(nullptr);
  if (now != cached_second) {
    cached_second = now;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  }
  return buf;
}

void serialize_head(std::string& out, const http::Response& res, std::string_view request_id, bool keep_alive) {
  // Sized once (the fixed parts need < 160 bytes), then filled with plain copies.
  const bool has_body = res.status != 204 && res.status != 304;
  const std::string_view reason = reason_phrase(res.status);
  const std::string_view date = http_date();
  size_t size = 256 + 16 + reason.size() + date.size() + res.content_type.size() + request_id.size();
  for (const auto& [k, v] : res.headers) size += k.size() + v.size() + 4;
  out.resize(size);
  char* p = out.data();
  auto put = [&p](std::string_view text) {
    std::memcpy(p, text.data(), text.size());
    p += text.size();
  };
  auto add = [&put](std::string_view name, std::string_view value) {
    put(name);
    put(": ");
    put(value);
    put("\r\n");
  };
  put("HTTP/1.1 ");
  p = std::to_chars(p, p + 8, res.status).ptr;
  *p++ = ' ';
  put(reason);
  put("\r\nServer: headroom\r\nDate: ");
  put(date);
  put("\r\n");
  if (has_body) add("Content-Type", res.content_type.empty() ? std::string_view("application/json") : res.content_type);
  if (has_body) {
    put("Content-Length: ");
    p = std::to_chars(p, p + 24, res.body_view().size()).ptr;
    put("\r\n");
  }
  if (!request_id.empty()) add("X-Request-Id", request_id);
  put(keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
  for (const auto& [k, v] : res.headers) add(k, v);
  put("\r\n");
  out.resize(static_cast<size_t>(p - out.data()));
}

std::string serialize_head(const http::Response& res, std::string_view request_id, bool keep_alive) {
  std::string out;
  out.reserve(256);
  serialize_head(out, res, request_id, keep_alive);
  return out;
}

}  // namespace headroom::server
