#include "core/utf8.hpp"

#include <cstddef>
#include <cstdint>

namespace headroom {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the sequence starting with `lead`, and the allowed range of its second byte
// (which rules out overlong forms, surrogates and code points above U+10FFFF); 0 when invalid.
size_t sequence(unsigned char lead, unsigned char& lo, unsigned char& hi) {
  lo = 0x80;
  hi = 0xBF;
  if (lead < 0x80) return 1;
  if (lead < 0xC2) return 0;
  if (lead < 0xE0) return 2;
  if (lead == 0xE0) lo = 0xA0;
  if (lead == 0xED) hi = 0x9F;
  if (lead < 0xF0) return 3;
  if (lead == 0xF0) lo = 0x90;
  if (lead == 0xF4) hi = 0x8F;
  if (lead < 0xF5) return 4;
  return 0;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    unsigned char lo = 0, hi = 0;
    const size_t len = sequence(p[i], lo, hi);
    if (len == 0 || i + len > n) return false;
    if (len > 1 && (p[i + 1] < lo || p[i + 1] > hi)) return false;
    for (size_t k = 2; k < len; ++k) {
      if (!is_continuation(p[i + k])) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace headroom
