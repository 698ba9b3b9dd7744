#include <gtest/gtest.h>

#include "observe/dashboard_assets.hpp"
#include "observe/observe_state.hpp"

namespace headroom::observe {

namespace {
http::Request with_auth(std::string value) {
  http::Request req;
  if (!value.empty()) req.headers.emplace_back("authorization", std::move(value));
  return req;
}
}  // namespace

TEST(AdminAuth, OnlyTheExactBearerTokenPasses) {
  config::Config c;
  c.admin.token = "admin-token-0123456789abcdef";
  EXPECT_TRUE(admin_authorized(c, with_auth("Bearer admin-token-0123456789abcdef")));
  EXPECT_FALSE(admin_authorized(c, with_auth("")));
  EXPECT_FALSE(admin_authorized(c, with_auth("Bearer ")));
  EXPECT_FALSE(admin_authorized(c, with_auth("Bearer admin-token-0123456789abcdeX")));
  EXPECT_FALSE(admin_authorized(c, with_auth("Bearer admin-token-0123456789abcdef0")));
  EXPECT_FALSE(admin_authorized(c, with_auth("Basic admin-token-0123456789abcdef")));
  c.admin.token.clear();  // no token configured: nobody is admin
  EXPECT_FALSE(admin_authorized(c, with_auth("Bearer ")));
}

TEST(DashboardAssets, EmbeddedWithContentTypes) {
  bool index = false, uplot = false;
  for (const auto& a : dashboard_assets()) {
    EXPECT_FALSE(a.body.empty()) << a.path;
    if (a.path == "index.html") index = a.content_type.starts_with("text/html");
    if (a.path == "vendor/uPlot.iife.min.js") uplot = a.content_type.starts_with("text/javascript");
  }
  EXPECT_TRUE(index);
  EXPECT_TRUE(uplot);
}

}  // namespace headroom::observe
