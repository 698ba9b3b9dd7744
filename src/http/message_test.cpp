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
