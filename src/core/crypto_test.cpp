#include "core/crypto.hpp"

#include <gtest/gtest.h>

namespace headroom::crypto {

TEST(Crypto, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Md5AndSha256OfKnownStrings) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, ConstantTimeEqualComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
}

TEST(Crypto, Base64RoundTripsEveryLength) {
  std::string raw;
  for (int i = 0; i < 20; ++i) {
    raw.push_back(static_cast<char>(i * 37));
    auto back = base64_decode(base64_encode(raw));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, raw);
    auto back_url = base64url_decode(base64url_encode(raw));
    ASSERT_TRUE(back_url);
    EXPECT_EQ(*back_url, raw);
  }
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
  EXPECT_FALSE(base64_decode("a$b="));
}

TEST(Crypto, RandomHexHasRequestedLength) {
  EXPECT_EQ(random_hex(16).size(), 32u);
  EXPECT_NE(random_hex(16), random_hex(16));
}

}  // namespace headroom::crypto
