#include "core/json_input.hpp"

#include <gtest/gtest.h>

#include <string>

namespace headroom {

TEST(JsonInput, ParsesOrdinaryJson) {
  auto v = parse_client_json(R"({"a":[1,2.5,-3e10,"x",null,true]})");
  ASSERT_TRUE(v.is_ok());
  EXPECT_EQ(v->at("a").as_array().size(), 6U);
}

TEST(JsonInput, RefusesNumbersJsonCannotWriteBack) {
  // Boost.JSON reads these as inf / NaN and would serialize them as `Infinity` / `NaN`.
  for (const char* text : {"1e400", "-1e400", "0E666666", R"({"a":{"b":[1,1e999]}})"}) {
    auto v = parse_client_json(text);
    ASSERT_FALSE(v.is_ok()) << text;
    EXPECT_EQ(v.status().code(), Code::kInvalidArgument);
    EXPECT_NE(v.status().message().find("finite"), std::string::npos) << v.status().message();
  }
  EXPECT_TRUE(parse_client_json("1e308").is_ok());
  EXPECT_TRUE(parse_client_json("0e-999999").is_ok());  // underflows to 0: representable
}

TEST(JsonInput, NamesTheDepthLimit) {
  std::string deep(10, '[');
  deep += std::string(10, ']');
  EXPECT_TRUE(parse_client_json(deep, 10).is_ok());
  auto v = parse_client_json("[" + deep + "]", 10);
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("deeper than 10"), std::string::npos);
}

TEST(JsonInput, ReportsMalformedInput) {
  auto v = parse_client_json(R"({"a":)");
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("malformed JSON"), std::string::npos);
}

}  // namespace headroom
