#pragma once
// Which keys differ between two configs, from their TOML text (config::to_toml output): used to
// log what a SIGHUP reload changed. Keys are "section.key" ("apps[0].secret" for array tables).
#include <string>
#include <vector>

namespace headroom::ops {

std::vector<std::string> changed_config_keys(const std::string& before_toml, const std::string& after_toml);

}  // namespace headroom::ops
