#include "docs/validate.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "docs/query_parse.hpp"

namespace headroom::docs {
namespace {

TEST(Validate, Names) {
  EXPECT_TRUE(validate_collection("posts_2-x"));
  EXPECT_FALSE(validate_collection(""));
  EXPECT_FALSE(validate_collection("_sys"));
  EXPECT_FALSE(validate_collection("a/b"));
  EXPECT_FALSE(validate_collection(std::string(65, 'a')));
  EXPECT_TRUE(validate_id("user@example.com"));
  EXPECT_FALSE(validate_id(".."));
  EXPECT_FALSE(validate_id("a b"));
  EXPECT_FALSE(validate_field_path("a..b"));
  EXPECT_TRUE(validate_field_path("a.b"));
}

TEST(Validate, Bodies) {
  EXPECT_EQ(parse_document("{").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(parse_document("[1]").status().code(), Code::kInvalidArgument);
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto too_deep = parse_document(R"({"a":)" + deep + "}");
  EXPECT_EQ(too_deep.status().code(), Code::kInvalidArgument);
  EXPECT_NE(too_deep.status().message().find("deeper"), std::string::npos);
  std::string big = R"({"s":")" + std::string(kMaxDocumentBytes, 'x') + "\"}";
  EXPECT_EQ(parse_document(big).status().code(), Code::kPayloadTooLarge);
  auto stripped = parse_document(R"({"_id":"x","_version":9,"a":1})");
  ASSERT_TRUE(stripped);
  EXPECT_EQ(stripped->size(), 1u);
  EXPECT_EQ(parse_document("{\"a\":\"\xff\"}").status().code(), Code::kInvalidArgument);  // invalid UTF-8
}

TEST(QueryParse, AcceptsTheDocumentedShape) {
  auto q = parse_query(boost::json::parse(
      R"({"where":[["a.b","==",1],["t","array-contains-any",[1,2]]],"orderBy":[["a.b","desc"]],"limit":5,"after":"x","count":false,"explain":true})"));
  ASSERT_TRUE(q) << q.status().message();
  EXPECT_EQ(q->query.where.size(), 2u);
  EXPECT_TRUE(q->query.order_by[0].desc);
  EXPECT_EQ(q->query.limit, 5);
  EXPECT_TRUE(q->explain);
}

TEST(QueryParse, RejectsBadInputWithReasons) {
  auto bad = [](const char* text) { return parse_query(boost::json::parse(text)).status().message(); };
  EXPECT_NE(bad(R"({"where":[["a","~=",1]]})").find("unknown operator"), std::string::npos);
  EXPECT_NE(bad(R"({"where":[["a","in",5]]})").find("array"), std::string::npos);
  EXPECT_NE(bad(R"({"where":[["a","==",1,2]]})").find("[field, op, value]"), std::string::npos);
  EXPECT_NE(bad(R"({"limit":0})").find("limit"), std::string::npos);
  EXPECT_NE(bad(R"({"limit":"5"})").find("limit"), std::string::npos);
  EXPECT_NE(bad(R"({"orderBy":[["a","up"]]})").find("direction"), std::string::npos);
  EXPECT_NE(bad(R"({"bogus":1})").find("unknown query field"), std::string::npos);
  EXPECT_NE(bad(R"([])").find("object"), std::string::npos);
  EXPECT_NE(bad(R"({"count":"yes"})").find("count"), std::string::npos);
  EXPECT_NE(bad(R"({"orderBy":["_version"]})").find("not queryable"), std::string::npos);
}

}  // namespace
}  // namespace headroom::docs
