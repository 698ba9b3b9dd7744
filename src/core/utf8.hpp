#pragma once
// UTF-8 well-formedness (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
#include <string_view>

namespace headroom {

[[nodiscard]] bool is_valid_utf8(std::string_view text);

}  // namespace headroom
