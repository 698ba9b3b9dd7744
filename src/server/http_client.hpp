#pragma once
// Outgoing HTTP for webhooks and alert notifications: plain http:// to any host (https:// is
// refused with a clear error for now), one request per call, with a timeout. Completion runs on
// one of the server's event loops; callers must not block in it.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace headroom::server {

struct HttpClientResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  using Callback = std::function<void(Result<HttpClientResponse>)>;
  virtual ~HttpClient() = default;
  virtual void post(const std::string& url, Headers headers, std::string body, Callback done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) = 0;
};

}  // namespace headroom::server
