#pragma once
// For config tests: what loading `text` (with `env`) refused, or "" when it loaded.
#include <map>
#include <string>

#include "config/loader.hpp"

namespace headroom::config::testing {

inline std::string error_of(const std::string& text, const std::map<std::string, std::string>& env = {}) {
  try {
    load_from_string(text, env);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace headroom::config::testing
