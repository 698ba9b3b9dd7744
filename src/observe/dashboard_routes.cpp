// GET /dashboard and its assets, served from bytes embedded at build time. The page itself holds
// no data; it asks /v1/admin/overview with the admin token the operator types in.
#include "observe/dashboard_assets.hpp"
#include "observe/observe_state.hpp"

namespace headroom::observe {

namespace {
const EmbeddedAsset* find_asset(std::string_view path) {
  for (const auto& a : dashboard_assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

http::Response asset_response(const EmbeddedAsset& a) {
  http::Response res;
  res.content_type = std::string(a.content_type);
  res.body = std::string(a.body);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
  return res;
}

http::Handler serve(std::string prefix) {
  return [prefix = std::move(prefix)](http::Request& req, const http::Responder& respond) {
    std::string path = prefix + std::string(req.param("file"));
    if (const auto* a = find_asset(path)) return respond(asset_response(*a));
    respond(http::error_response(Code::kNotFound, "no such dashboard file"));
  };
}
}  // namespace

void add_dashboard_routes(http::Router& router) {
  http::RouteOptions open;
  open.admitted = false;
  open.label = "/dashboard";
  auto index = [](http::Request&, const http::Responder& respond) {
    if (const auto* a = find_asset("index.html")) return respond(asset_response(*a));
    respond(http::error_response(Code::kNotFound, "dashboard not built into this binary"));
  };
  router.add(http::Method::kGet, "/dashboard", index, open);
  router.add(http::Method::kGet, "/dashboard/{file}", serve(""), open);
  router.add(http::Method::kGet, "/dashboard/vendor/{file}", serve("vendor/"), open);
}

}  // namespace headroom::observe
