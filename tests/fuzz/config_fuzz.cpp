// Fuzzes the config loader: any text either loads or throws ConfigError, never crashes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto c = headroom::config::load_from_string(text);
    (void)headroom::config::to_toml(c);
  } catch (const headroom::config::ConfigError&) {
  }
  return 0;
}
