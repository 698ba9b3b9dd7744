#include "http/router.hpp"

#include <gtest/gtest.h>

namespace headroom::http {
namespace {

Request make(Method m, std::string target) {
  Request r;
  r.method = m;
  r.target = std::move(target);
  return r;
}

Handler tag(int* hit, int value) {
  return [hit, value](Request&, Responder) { *hit = value; };
}

TEST(Router, CapturesSegmentsAndDecodesThem) {
  Router router;
  int hit = 0;
  router.add(Method::kGet, "/apps/{id}/channels/{name}", tag(&hit, 1));
  auto req = make(Method::kGet, "/apps/42/channels/presence-room%2F1?info=user_count");
  auto m = router.match(req);
  ASSERT_NE(m.route, nullptr);
  m.route->handler(req, nullptr);
  EXPECT_EQ(hit, 1);
  EXPECT_EQ(req.param("id"), "42");
  EXPECT_EQ(req.param("name"), "presence-room/1");
}

TEST(Router, LiteralBeatsNothingAndWrongMethodIsReported) {
  Router router;
  int hit = 0;
  router.add(Method::kPost, "/apps/{id}/events", tag(&hit, 1));
  auto req = make(Method::kGet, "/apps/1/events");
  auto m = router.match(req);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_matched);
  auto other = make(Method::kGet, "/nothing");
  EXPECT_FALSE(router.match(other).path_matched);
}

TEST(Router, HeadFallsBackToGet) {
  Router router;
  int hit = 0;
  router.add(Method::kGet, "/healthz", tag(&hit, 7));
  auto req = make(Method::kHead, "/healthz");
  auto m = router.match(req);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->options.label, "/healthz");
}

TEST(Router, EmptySegmentsDoNotMatchCaptures) {
  Router router;
  int hit = 0;
  router.add(Method::kGet, "/v1/apps/{app}/collections/{col}/docs", tag(&hit, 1));
  auto req = make(Method::kGet, "/v1/apps//collections/x/docs");
  EXPECT_EQ(router.match(req).route, nullptr);
}

TEST(Router, FirstAddedWinsAndReusedRequestsGetFreshParams) {
  Router router;
  int hit = 0;
  router.add(Method::kGet, "/v1/{ab}/x", tag(&hit, 1));  // "{ab}" is as long as "abcd"
  router.add(Method::kGet, "/v1/abcd/x", tag(&hit, 2));
  router.add(Method::kGet, "/v1/{a}/{bb}/y", tag(&hit, 3));
  router.add(Method::kGet, "/v1/{a}", tag(&hit, 4));
  auto req = make(Method::kGet, "/v1/abcd/x");
  auto m = router.match(req);
  ASSERT_NE(m.route, nullptr);
  m.route->handler(req, nullptr);
  EXPECT_EQ(hit, 1);
  EXPECT_EQ(req.param("ab"), "abcd");
  req.target = "/v1/%7Bb%7D/long-value-that-needs-the-heap/y";
  m = router.match(req);
  ASSERT_NE(m.route, nullptr);
  m.route->handler(req, nullptr);
  EXPECT_EQ(hit, 3);
  EXPECT_EQ(req.param("a"), "{b}");
  EXPECT_EQ(req.param("bb"), "long-value-that-needs-the-heap");
  req.target = "/v1/q";
  m = router.match(req);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(req.params.size(), 1u);
  EXPECT_EQ(req.param("a"), "q");
  req.target = "/v1/q/r/s/t/u";
  EXPECT_EQ(router.match(req).route, nullptr);
}

TEST(Router, AllowedMethodsListWhatThePathServes) {
  Router router;
  router.add(Method::kGet, "/v1/apps/{app}/docs/{id}", nullptr);
  router.add(Method::kPut, "/v1/apps/{app}/docs/{id}", nullptr);
  router.add(Method::kDelete, "/v1/apps/{app}/docs/{id}", nullptr);
  router.add(Method::kPost, "/v1/apps/{app}/docs", nullptr);
  EXPECT_EQ(router.allowed_methods("/v1/apps/a/docs/x?y=1"), "GET, HEAD, PUT, DELETE");
  EXPECT_EQ(router.allowed_methods("/v1/apps/a/docs"), "POST");
  EXPECT_EQ(router.allowed_methods("/v1/nothing/at/all/here/really"), "");
}

}  // namespace
}  // namespace headroom::http
