#include "http_response.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace headroom::bench {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct Head {
  int status = 0;
  long long content_length = -1;
  bool chunked = false;
  bool keep_alive = true;
};

bool parse_head(std::string_view head, Head& h) {
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return false;
  if (std::from_chars(status_line.data() + 9, status_line.data() + 12, h.status).ec != std::errc()) return false;
  if (status_line.substr(0, 8) == "HTTP/1.0") h.keep_alive = false;
  while (eol != std::string_view::npos) {
    size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view line = head.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = lower(trim(line.substr(0, colon)));
    std::string value = lower(trim(line.substr(colon + 1)));
    if (name == "content-length") {
      if (std::from_chars(value.data(), value.data() + value.size(), h.content_length).ec != std::errc()) return false;
    } else if (name == "transfer-encoding") {
      h.chunked = value.find("chunked") != std::string::npos;
    } else if (name == "connection") {
      if (value.find("close") != std::string::npos) h.keep_alive = false;
      if (value.find("keep-alive") != std::string::npos) h.keep_alive = true;
    }
  }
  return true;
}

// Decodes a chunked body starting at data; returns bytes used, 0 if incomplete, npos on error.
size_t parse_chunked(std::string_view data, std::string& body) {
  size_t pos = 0;
  body.clear();
  for (;;) {
    size_t eol = data.find("\r\n", pos);
    if (eol == std::string_view::npos) return 0;
    size_t size = 0;
    auto [p, ec] = std::from_chars(data.data() + pos, data.data() + eol, size, 16);
    if (ec != std::errc() || p == data.data() + pos) return std::string_view::npos;
    pos = eol + 2;
    if (size == 0) {  // trailers until an empty line
      for (;;) {
        size_t end = data.find("\r\n", pos);
        if (end == std::string_view::npos) return 0;
        bool empty = end == pos;
        pos = end + 2;
        if (empty) return pos;
      }
    }
    if (data.size() < pos + size + 2) return 0;
    body.append(data.substr(pos, size));
    pos += size + 2;
  }
}

}  // namespace

HttpParse parse_http_response(std::string_view data, bool head_only) {
  HttpParse r;
  size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (data.size() > 65536) r = {HttpParse::State::kError, {}, 0, "response head too large"};
    return r;
  }
  Head h;
  if (!parse_head(data.substr(0, end), h)) return {HttpParse::State::kError, {}, 0, "bad response head"};
  r.response.status = h.status;
  r.response.keep_alive = h.keep_alive;
  const size_t body_at = end + 4;
  const bool no_body = head_only || h.status == 204 || h.status == 304 || (h.status >= 100 && h.status < 200);
  if (no_body) {
    r.consumed = body_at;
  } else if (h.chunked) {
    size_t used = parse_chunked(data.substr(body_at), r.response.body);
    if (used == std::string_view::npos) return {HttpParse::State::kError, {}, 0, "bad chunked body"};
    if (used == 0) return HttpParse{};
    r.consumed = body_at + used;
  } else if (h.content_length >= 0) {
    if (data.size() < body_at + static_cast<size_t>(h.content_length)) return HttpParse{};
    r.response.body.assign(data.substr(body_at, static_cast<size_t>(h.content_length)));
    r.consumed = body_at + static_cast<size_t>(h.content_length);
  } else {
    return {HttpParse::State::kError, {}, 0, "response without length (read-to-close is not supported)"};
  }
  r.state = HttpParse::State::kDone;
  return r;
}

}  // namespace headroom::bench
