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

namespace headroom::crypto {

TEST(Crypto, HmacWithManyKeysMatchesTheReference) {
  // More keys than a thread keeps contexts for, interleaved: each MAC must use its own key.
  const std::string rfc_case2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 40; ++k) {
      std::string key = "key-" + std::to_string(k);
      EXPECT_EQ(hmac_sha256_hex(key, "msg"), hmac_sha256_hex(key, std::string("msg")));
      EXPECT_NE(hmac_sha256_hex(key, "msg"), hmac_sha256_hex(key + "x", "msg"));
    }
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"), rfc_case2);
    EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
  // A long key (hashed first by HMAC) and an empty one.
  EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(hmac_sha256_hex("", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

}  // namespace headroom::crypto
