#pragma once
// Builds a Config from, in order of precedence: flags (--set section.key=value), HEADROOM_SECTION_KEY
// environment variables (and PORT), the TOML file, and the defaults in config.hpp. Any problem
// throws ConfigError whose message names the key, the bad value and what is allowed.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace headroom::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadOptions {
  std::string file = "headroom.toml";
  bool file_required = false;              // true when the user named the file explicitly
  std::vector<std::string> sets;           // "server.port=9000"
  std::map<std::string, std::string> env;  // usually the process environment
};

Config load(const LoadOptions& options);
Config load_from_string(const std::string& toml_text, const std::map<std::string, std::string>& env = {});
std::map<std::string, std::string> process_env();

// The effective config as TOML; secrets replaced by "<redacted>" when redact is set.
std::string to_toml(const Config& config, bool redact = true);

}  // namespace headroom::config
