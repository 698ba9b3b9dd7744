#include "storage/json_parse.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstring>
#include <random>

#include "storage/store_conformance.hpp"

namespace headroom::storage {
namespace {
namespace json = boost::json;
using testing::nested_json;
using testing::Shape;

TEST(JsonParseTest, AcceptsSixtyFourLevelsAndRefusesSixtyFive) {
  for (Shape shape : {Shape::kArrays, Shape::kObjects}) {
    for (int depth : {1, 31, 32, 33, 63, 64}) {
      auto v = parse_json_exact(nested_json(depth, shape));
      ASSERT_TRUE(v) << depth << ": " << v.status().message();
      EXPECT_EQ(json::serialize(*v), nested_json(depth, shape));
    }
    auto deep = parse_json_exact(nested_json(65, shape));
    ASSERT_FALSE(deep);
    EXPECT_EQ(deep.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(deep.status().message(), "JSON nests deeper than 64 levels");
  }
  EXPECT_TRUE(parse_json_exact(nested_json(65), 65));
  EXPECT_EQ(parse_json_exact(nested_json(66), 65, " (plus)").status().message(),
            "JSON nests deeper than 65 levels (plus)");
}

TEST(JsonParseTest, RefusesMalformedTrailingAndNonFiniteInput) {
  for (const char* bad : {"", "{", "{\"a\":1}x", "{\"a\":1} {}", "[1,]", "{\"a\":01}", "\"\xff\"", "nul"}) {
    auto v = parse_json_exact(bad);
    ASSERT_FALSE(v) << bad;
    EXPECT_EQ(v.status().code(), Code::kInvalidArgument) << bad;
    EXPECT_EQ(v.status().message().rfind("malformed JSON: ", 0), 0u) << v.status().message();
  }
  for (const char* huge : {"1e400", "[-1e309]", "{\"a\":{\"b\":1.8e308}}"}) {
    auto v = parse_json_exact(huge);
    ASSERT_FALSE(v) << huge;
    EXPECT_NE(v.status().message().find("out of range"), std::string::npos) << v.status().message();
  }
  auto tiny = parse_json_exact("[1e-400, 0e999999, -0.0, 4.9e-324]");  // valid numbers: zero, zero, -0, subnormal
  ASSERT_TRUE(tiny) << tiny.status().message();
  EXPECT_EQ(tiny->as_array()[0].as_double(), 0.0);
  EXPECT_EQ(tiny->as_array()[1].as_double(), 0.0);
  EXPECT_TRUE(std::signbit(tiny->as_array()[2].as_double()));
  EXPECT_EQ(tiny->as_array()[3].as_double(), 4.9e-324);
}

TEST(JsonParseTest, EveryDoubleReadsBackBitForBit) {
  // Boost.JSON 1.81's parser reads ~1 in 4 of these one ulp off; serialize → parse_json_exact
  // must give every finite double back.
  std::mt19937_64 rng(12);
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    const std::string text = json::serialize(json::value(d));
    auto back = parse_json_exact(text);
    ASSERT_TRUE(back) << text;
    double e = back->is_double() ? back->get_double() : back->to_number<double>();
    ASSERT_EQ(std::memcmp(&d, &e, sizeof d), 0) << text;
  }
  auto decimal = parse_json_exact("3.0725822749807743e-9");
  ASSERT_TRUE(decimal);
  EXPECT_EQ(decimal->as_double(), 3.0725822749807743e-9);  // the compiler's correctly rounded reading
}

TEST(JsonParseTest, IntegersKeepTheirKindAndValue) {
  auto v = parse_json_exact(R"([9223372036854775807,-9223372036854775808,18446744073709551615,1.0,1E2])");
  ASSERT_TRUE(v);
  const auto& a = v->as_array();
  EXPECT_EQ(a[0].as_int64(), INT64_MAX);
  EXPECT_EQ(a[1].as_int64(), INT64_MIN);
  EXPECT_EQ(a[2].as_uint64(), UINT64_MAX);
  EXPECT_TRUE(a[3].is_double());
  EXPECT_EQ(a[4].as_double(), 100.0);
}

TEST(JsonParseTest, StoredTextThatDoesNotParseIsInternalNeverEmpty) {
  auto bad = parse_stored_object("{\"a\":", "document c/x");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().code(), Code::kInternal);
  EXPECT_NE(bad.status().message().find("document c/x"), std::string::npos);
  EXPECT_EQ(parse_stored_object("[1]", "document c/x").status().code(), Code::kInternal);
  EXPECT_EQ(parse_stored_object(nested_json(65), "d").status().code(), Code::kInternal);
  auto deep = parse_stored_object(nested_json(kStoredJsonDepth), "d");
  ASSERT_TRUE(deep) << deep.status().message();
  EXPECT_EQ(json::serialize(*deep), nested_json(kStoredJsonDepth));
}

}  // namespace
}  // namespace headroom::storage
