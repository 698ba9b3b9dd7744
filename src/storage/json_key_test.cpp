#include "storage/json_key.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "storage/merge_patch.hpp"

namespace headroom::storage {
namespace {
namespace json = boost::json;

TEST(JsonKey, OrdersLikeFirestore) {
  const char* ascending[] = {"null",    "false",      "true",       "-1e300",    "-2",    "-0.5",   "0",
                             "1",       "1.5",        "2",          "1e300",     R"("")", R"("a")", R"("a\u0000")",
                             R"("ab")", R"("b")",     "[]",         "[1]",       "[1,2]", "[2]",    R"(["a"])",
                             "{}",      R"({"a":1})", R"({"a":2})", R"({"b":0})"};
  for (size_t i = 0; i + 1 < std::size(ascending); ++i) {
    auto a = json::parse(ascending[i]), b = json::parse(ascending[i + 1]);
    EXPECT_LT(encode_key(a), encode_key(b)) << ascending[i] << " < " << ascending[i + 1];
    EXPECT_GT(complement(encode_key(a)), complement(encode_key(b)));
  }
  EXPECT_EQ(encode_key(json::parse("1")), encode_key(json::parse("1.0")));
  EXPECT_EQ(encode_key(json::parse("0")), encode_key(json::parse("-0.0")));
  EXPECT_TRUE(values_equal(json::parse(R"({"a":1,"b":2})"), json::parse(R"({"b":2,"a":1.0})")));
}

TEST(JsonKey, PrefixSuccessorBoundsExtensions) {
  EXPECT_EQ(prefix_successor("ab"), "ac");
  EXPECT_EQ(prefix_successor(std::string("a\xff")), "b");
  EXPECT_EQ(prefix_successor(std::string("\xff")), "");
}

TEST(JsonKey, FindPathFollowsDots) {
  auto v = json::parse(R"({"a":{"b":{"c":5}},"x":1})");
  ASSERT_NE(find_path(v.as_object(), "a.b.c"), nullptr);
  EXPECT_EQ(*find_path(v.as_object(), "a.b.c"), 5);
  EXPECT_EQ(find_path(v.as_object(), "a.x"), nullptr);
  EXPECT_EQ(find_path(v.as_object(), "x.y"), nullptr);
}

TEST(MergePatch, Rfc7386AppendixA) {
  struct Case {
    const char *target, *patch, *result;
  } cases[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", "null", "null"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const auto& c : cases) {
    json::value target = json::parse(c.target);
    apply_merge_patch(target, json::parse(c.patch));
    EXPECT_EQ(target, json::parse(c.result)) << c.target << " + " << c.patch;
  }
}

}  // namespace
}  // namespace headroom::storage
