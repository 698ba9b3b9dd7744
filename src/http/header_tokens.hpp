#pragma once
// Comma-separated header values (Connection, Upgrade, Expect...), read one way everywhere.
#include <string_view>

namespace headroom::http {

// True if `header` lists `token`, compared case-insensitively; spaces and tabs around list items
// are ignored ("keep-alive, Upgrade" lists "upgrade"; "upgradex" does not).
bool header_has_token(std::string_view header, std::string_view token);

}  // namespace headroom::http
