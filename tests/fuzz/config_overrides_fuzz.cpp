// Fuzzes the overrides that config::load lays over the TOML file: HEADROOM_* / PORT environment
// variables and --set section.key=value flags, whose values arrive as strings and are converted
// by the Reader. Input: one override per line; "NAME=value" lines whose name starts with
// HEADROOM_ or is PORT are environment variables, every other line is a --set argument.
// Invariants: load either returns a Config or throws ConfigError (no other exception, no crash);
// an accepted config holds only finite numbers, and its printed form (to_toml, unredacted) loads
// back and prints the same text: what `headroom config print` shows is what was loaded.
#include <toml++/toml.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/loader.hpp"

using namespace headroom;

#define CHECK(cond) \
  if (!(cond)) std::abort()

namespace {

config::LoadOptions options_from(std::string_view text) {
  config::LoadOptions o;
  o.file = "/nonexistent/headroom-fuzz.toml";
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string line(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const size_t eq = line.find('=');
    const std::string name = line.substr(0, eq);
    if (eq != std::string::npos && (name.starts_with("HEADROOM_") || name == "PORT")) {
      o.env[name] = line.substr(eq + 1);
    } else {
      o.sets.push_back(std::move(line));
    }
  }
  return o;
}

bool all_finite(const toml::node& n) {
  if (auto f = n.as_floating_point()) return std::isfinite(f->get());
  if (auto t = n.as_table()) {
    for (const auto& [k, v] : *t) {
      if (!all_finite(v)) return false;
    }
  }
  if (auto a = n.as_array()) {
    for (const auto& v : *a) {
      if (!all_finite(v)) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto options = options_from(std::string_view(reinterpret_cast<const char*>(data), size));
  config::Config c;
  try {
    c = config::load(options);
  } catch (const config::ConfigError&) {
    return 0;
  }
  const std::string printed = config::to_toml(c, false);
  toml::table tree = toml::parse(printed);  // throws (and fails the run) if the printer wrote bad TOML
  CHECK(all_finite(tree));
  config::Config again;
  try {
    again = config::load_from_string(printed);
  } catch (const config::ConfigError&) {
    std::abort();  // the printed config of an accepted one must load
  }
  CHECK(config::to_toml(again, false) == printed);
  return 0;
}
