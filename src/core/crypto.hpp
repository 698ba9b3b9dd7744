#pragma once
// Small wrappers over OpenSSL for the hashes and MACs the protocols need.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace headroom::crypto {

std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string sha256_hex(std::string_view data);
std::string md5_hex(std::string_view data);
std::string sha1_raw(std::string_view data);

// Compares secrets without leaking where they differ through timing.
bool constant_time_equal(std::string_view a, std::string_view b);

// Cryptographically random bytes as lowercase hex (2 chars per byte).
std::string random_hex(size_t bytes);
uint64_t random_u64();

std::string to_hex(std::string_view raw);
std::string base64_encode(std::string_view raw);
std::string base64url_encode(std::string_view raw);  // no padding (JWT)
std::optional<std::string> base64_decode(std::string_view text);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace headroom::crypto
