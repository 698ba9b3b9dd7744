#include "http/message.hpp"

#include <gtest/gtest.h>

namespace headroom::http {

TEST(Message, QueryParamsAreDecoded) {
  Request r;
  r.query = "filter_by_prefix=presence-&info=user_count%2Csubscription_count&x=a+b";
  EXPECT_EQ(r.query_param("filter_by_prefix"), "presence-");
  EXPECT_EQ(r.query_param("info"), "user_count,subscription_count");
  EXPECT_EQ(r.query_param("x"), "a b");
  EXPECT_TRUE(r.has_query_param("info"));
  EXPECT_FALSE(r.has_query_param("nope"));
}

TEST(Message, ErrorResponseUsesTheV1Format) {
  auto res = error_response(Code::kNotFound, "no \"doc\"");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body, R"({"error":{"code":"NOT_FOUND","message":"no \"doc\"","details":{}}})");
}

TEST(Message, PercentDecodeLeavesBrokenEscapesAlone) {
  EXPECT_EQ(percent_decode("a%2"), "a%2");
  EXPECT_EQ(percent_decode("%zz"), "%zz");
  EXPECT_EQ(percent_decode("%41%42"), "AB");
}

}  // namespace headroom::http

#include "http/bearer.hpp"

namespace headroom::http {

TEST(Bearer, ExtractsTheTokenAndChecksTheAdminTokenExactly) {
  Request r;
  r.headers.emplace_back("authorization", "Bearer abc.def");
  EXPECT_EQ(bearer_token(r), "abc.def");
  EXPECT_TRUE(has_admin_token(r, "abc.def"));
  EXPECT_FALSE(has_admin_token(r, "abc.de"));
  EXPECT_FALSE(has_admin_token(r, ""));
  Request lower;
  lower.headers.emplace_back("authorization", "bearer xyz");
  EXPECT_EQ(bearer_token(lower), "xyz");
  Request basic;
  basic.headers.emplace_back("authorization", "Basic xyz");
  EXPECT_EQ(bearer_token(basic), "");
  EXPECT_EQ(admin_token_required().status, 401);
}

}  // namespace headroom::http
