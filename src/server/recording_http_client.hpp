#pragma once
// A test double of HttpClient that records each POST and lets the test answer it (as the remote
// would, later, on the test's thread). For the webhook, alert and notification tests.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "server/http_client.hpp"

namespace headroom::server::testing {

struct RecordingHttpClient final : HttpClient {
  struct Call {
    std::string url;
    Headers headers;
    std::string body;
    Callback done;
    std::chrono::milliseconds timeout;
  };
  void post(const std::string& url, Headers headers, std::string body, Callback done,
            std::chrono::milliseconds timeout) override {
    calls.push_back({url, std::move(headers), std::move(body), std::move(done), timeout});
  }
  void answer(size_t i, int status) { calls.at(i).done(HttpClientResponse{status, ""}); }
  void refuse(size_t i) { calls.at(i).done(Status(Code::kUnavailable, "connection refused")); }
  std::vector<Call> calls;
};

}  // namespace headroom::server::testing
