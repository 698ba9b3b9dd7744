#include "docs/jwt.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"

namespace headroom::docs {
namespace {

constexpr int64_t kNow = 1'800'000'000;

TEST(Jwt, MintedTokensVerify) {
  auto c = verify_jwt(mint_jwt("secret", "alice", http::Tier::kVip, kNow, 3600), "secret", kNow + 10);
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->sub, "alice");
  EXPECT_EQ(c->tier, http::Tier::kVip);
  auto server = verify_jwt(mint_jwt("secret", "backend", http::Tier::kServer, kNow, 60), "secret", kNow);
  EXPECT_EQ(server->tier, http::Tier::kServer);
}

TEST(Jwt, RejectsWithAReason) {
  std::string good = mint_jwt("secret", "alice", http::Tier::kAuthenticated, kNow, 60);
  auto expired = verify_jwt(good, "secret", kNow + 61);
  EXPECT_EQ(expired.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(expired.status().message(), "token expired");
  EXPECT_EQ(verify_jwt(good, "other", kNow).status().message(), "bad token signature");
  EXPECT_NE(verify_jwt("abc", "secret", kNow).status().message().find("malformed"), std::string::npos);
  EXPECT_FALSE(verify_jwt("a.b.c", "secret", kNow));
  EXPECT_FALSE(verify_jwt("", "secret", kNow));
  EXPECT_FALSE(verify_jwt("..", "secret", kNow));
  // alg "none" is never accepted.
  std::string none = crypto::base64url_encode(R"({"alg":"none"})") + "." +
                     crypto::base64url_encode(R"({"sub":"x","exp":9999999999})") + ".";
  EXPECT_FALSE(verify_jwt(none, "secret", kNow));
  // A correctly signed token without exp is malformed.
  std::string signing =
      crypto::base64url_encode(R"({"alg":"HS256"})") + "." + crypto::base64url_encode(R"({"sub":"x"})");
  std::string no_exp = signing + "." + crypto::base64url_encode(crypto::hmac_sha256("secret", signing));
  EXPECT_NE(verify_jwt(no_exp, "secret", kNow).status().message().find("exp"), std::string::npos);
}

// An app's tokens are signed with its jwt_secret when set (rotated apart from the Pusher secret),
// else with its secret, as before jwt_secret existed.
TEST(Jwt, AppTokensUseTheJwtSecretWhenSetElseTheAppSecret) {
  config::AppConfig app;
  app.secret = "pusher-secret-0123456789";
  EXPECT_EQ(&app_jwt_secret(app), &app.secret);
  std::string old_token = mint_jwt(app_jwt_secret(app), "alice", http::Tier::kAuthenticated, kNow, 60);
  EXPECT_TRUE(verify_jwt_cached(old_token, app_jwt_secret(app), kNow));  // now in the cache
  app.jwt_secret = "jwt-secret-0123456789abc";
  EXPECT_EQ(app_jwt_secret(app), "jwt-secret-0123456789abc");
  EXPECT_EQ(verify_jwt(old_token, app_jwt_secret(app), kNow).status().message(), "bad token signature");
  EXPECT_EQ(verify_jwt_cached(old_token, app_jwt_secret(app), kNow).status().message(), "bad token signature");
  std::string new_token = mint_jwt(app_jwt_secret(app), "alice", http::Tier::kAuthenticated, kNow, 60);
  EXPECT_TRUE(verify_jwt(new_token, app_jwt_secret(app), kNow));
  EXPECT_FALSE(verify_jwt(new_token, app.secret, kNow));
}

TEST(Jwt, ParsesTtls) {
  EXPECT_EQ(parse_ttl_seconds("1h"), 3600);
  EXPECT_EQ(parse_ttl_seconds("30m"), 1800);
  EXPECT_EQ(parse_ttl_seconds("90"), 90);
  EXPECT_EQ(parse_ttl_seconds("2d"), 172800);
  EXPECT_EQ(parse_ttl_seconds("x"), -1);
  EXPECT_EQ(parse_ttl_seconds("-5s"), -1);
  EXPECT_EQ(parse_ttl_seconds("3660d"), 3660LL * 86400);
  EXPECT_EQ(parse_ttl_seconds("3661d"), -1);                 // over ten years
  EXPECT_EQ(parse_ttl_seconds("7888888888888888888m"), -1);  // would overflow (found by docs_jwt_fuzz)
}

}  // namespace
}  // namespace headroom::docs

namespace headroom::docs {

TEST(Jwt, CachedVerificationStillChecksSecretAndExpiry) {
  const int64_t now = 1'800'000'000;
  std::string token = mint_jwt("secret-one", "u1", http::Tier::kVip, now, 60);
  for (int i = 0; i < 3; ++i) {  // miss, then hits
    auto c = verify_jwt_cached(token, "secret-one", now);
    ASSERT_TRUE(c.is_ok());
    EXPECT_EQ(c->sub, "u1");
    EXPECT_EQ(c->tier, http::Tier::kVip);
  }
  // A rotated secret does not accept the cached token; nor does the clock past its expiry.
  auto rotated = verify_jwt_cached(token, "secret-two", now);
  ASSERT_FALSE(rotated.is_ok());
  EXPECT_EQ(rotated.status().message(), "bad token signature");
  ASSERT_TRUE(verify_jwt_cached(token, "secret-one", now).is_ok());
  auto late = verify_jwt_cached(token, "secret-one", now + 60);
  ASSERT_FALSE(late.is_ok());
  EXPECT_EQ(late.status().message(), "token expired");
  // Bad tokens are refused every time (nothing cached for them).
  std::string forged = token;
  char& c = forged[forged.size() - 10];  // inside the signature (the last character has spare bits)
  c = c == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_jwt_cached(forged, "secret-one", now).is_ok());
  EXPECT_FALSE(verify_jwt_cached(forged, "secret-one", now).is_ok());
}

TEST(Jwt, TheCacheStaysBounded) {
  const int64_t now = 1'800'000'000;
  for (int i = 0; i < 3000; ++i) {
    auto t = mint_jwt("secret-one", "user" + std::to_string(i), http::Tier::kAuthenticated, now, 60);
    ASSERT_TRUE(verify_jwt_cached(t, "secret-one", now).is_ok());
  }
  auto first = mint_jwt("secret-one", "user0", http::Tier::kAuthenticated, now, 60);
  EXPECT_TRUE(verify_jwt_cached(first, "secret-one", now).is_ok());  // evicted, verified again
}

}  // namespace headroom::docs
