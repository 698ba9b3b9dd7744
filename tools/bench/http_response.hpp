#pragma once
// An HTTP/1.1 response parser for the bench's keep-alive client: status, body by Content-Length
// or chunked, and whether the connection may be reused. Pure; fed the bytes read so far.
#include <string>
#include <string_view>

namespace headroom::bench {

struct HttpResponse {
  int status = 0;
  std::string body;
  bool keep_alive = true;
};

struct HttpParse {
  enum class State { kIncomplete, kDone, kError } state = State::kIncomplete;
  HttpResponse response;
  size_t consumed = 0;  // bytes of this response; what follows belongs to the next one
  std::string error;
};

// head_only: the answer to a HEAD request (no body whatever the headers say).
HttpParse parse_http_response(std::string_view data, bool head_only = false);

}  // namespace headroom::bench
