// Fuzzes request-target handling: percent-decoding, query parameters and route matching.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http/router.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headroom::http;
  static Router router = [] {
    Router r;
    Handler none = [](Request&, Responder) {};
    r.add(Method::kGet, "/v1/apps/{app_id}/collections/{col}/docs/{id}", none);
    r.add(Method::kPost, "/apps/{app_id}/events", none);
    r.add(Method::kGet, "/healthz", none);
    return r;
  }();
  Request req;
  req.target.assign(reinterpret_cast<const char*>(data), size);
  auto q = req.target.find('?');
  req.path = percent_decode(std::string_view(req.target).substr(0, q));
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  req.method = size % 2 ? Method::kGet : Method::kPost;
  auto m = router.match(req);
  (void)m;
  (void)req.query_param("a");
  (void)req.has_query_param("info");
  return 0;
}
