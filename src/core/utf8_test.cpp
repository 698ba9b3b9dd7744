#include "core/utf8.hpp"

#include <gtest/gtest.h>

namespace headroom {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9t\xC3\xA9"));          // été
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));               // €
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));           // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));           // U+10FFFF
}

TEST(Utf8, RefusesMalformedText) {
  EXPECT_FALSE(is_valid_utf8("\xBD"));                      // lone continuation byte
  EXPECT_FALSE(is_valid_utf8("abc\xC3"));                   // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                  // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));              // overlong, 3 bytes
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));              // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));          // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x28\xA1"));              // bad continuation
}

}  // namespace
}  // namespace headroom
