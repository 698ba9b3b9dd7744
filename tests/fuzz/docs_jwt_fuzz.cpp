// libFuzzer target for the HS256 bearer-token verifier (src/docs/jwt.hpp) and the TTL parser.
// Input: a token (or any bytes). Invariants: verification never succeeds for bytes we did not sign
// with the secret; a token minted for a subject derived from the input verifies back to it.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "docs/jwt.hpp"

using namespace headroom;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kSecret = "fuzz-secret";
  constexpr int64_t kNow = 1'800'000'000;
  (void)docs::verify_jwt(text, kSecret, kNow);
  (void)docs::parse_ttl_seconds(text);

  // Subjects are text: keep the ASCII bytes (JSON parsers refuse invalid UTF-8).
  std::string sub;
  for (char c : text.substr(0, 64)) {
    if (static_cast<unsigned char>(c) < 0x80) sub += c;
  }
  if (sub.empty()) return 0;
  std::string token = docs::mint_jwt(kSecret, sub, http::Tier::kVip, kNow, 60);
  auto claims = docs::verify_jwt(token, kSecret, kNow);
  if (!claims.is_ok() || claims->sub != sub || claims->tier != http::Tier::kVip) std::abort();
  if (docs::verify_jwt(token, "other-secret", kNow).is_ok()) std::abort();
  if (docs::verify_jwt(token, kSecret, kNow + 3600).is_ok()) std::abort();  // expired
  return 0;
}
