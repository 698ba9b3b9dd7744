#pragma once
// Advice about a config that is valid but unsafe. `headroom config check` prints each warning as
// one stderr line (exit 0, or 1 with --strict); `headroom serve` logs them at startup. A warning
// names the key and the app, never a secret's value.
#include <cstddef>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace headroom::config {

// HMAC secrets shorter than this can be searched offline from one signed request or token.
inline constexpr size_t kMinSecretChars = 20;

std::vector<std::string> config_warnings(const Config& config);

}  // namespace headroom::config
