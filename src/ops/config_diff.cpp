#include "ops/config_diff.hpp"

#include <map>
#include <sstream>

namespace headroom::ops {
namespace {

std::map<std::string, std::string> flatten(const std::string& toml) {
  std::map<std::string, std::string> out;
  std::map<std::string, int> array_count;
  std::string section;
  std::istringstream in(toml);
  std::string line;
  while (std::getline(in, line)) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line = line.substr(start);
    if (line.rfind("[[", 0) == 0) {
      std::string name = line.substr(2, line.find("]]") - 2);
      section = name + "[" + std::to_string(array_count[name]++) + "]";
      continue;
    }
    if (line[0] == '[') {
      std::string name = line.substr(1, line.find(']') - 1);
      // a sub-table of the latest array element: [apps.collections."x"] → apps[n].collections."x"
      for (const auto& [arr, n] : array_count) {
        if (name.rfind(arr + ".", 0) == 0) name = arr + "[" + std::to_string(n - 1) + "]" + name.substr(arr.size());
      }
      section = name;
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, line.find_last_not_of(" \t", eq - 1) + 1);
    out[section.empty() ? key : section + "." + key] = line.substr(eq + 1);
  }
  return out;
}

}  // namespace

std::vector<std::string> changed_config_keys(const std::string& before_toml, const std::string& after_toml) {
  auto a = flatten(before_toml), b = flatten(after_toml);
  std::vector<std::string> out;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || it->second != v) out.push_back(k);
  }
  for (const auto& [k, v] : b) {
    if (!a.count(k)) out.push_back(k);
  }
  return out;
}

}  // namespace headroom::ops
