#include "config/loader.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/reader.hpp"
#include "config/schema.hpp"
#include "core/crypto.hpp"

extern char** environ;

namespace headroom::config {

namespace {

toml::table& section(toml::table& root, const std::string& name) {
  if (!root.contains(name) || !root[name].is_table()) root.insert_or_assign(name, toml::table{});
  return *root[name].as_table();
}

// HEADROOM_RATE_LIMITS_ANONYMOUS_PER_MINUTE=10 → rate_limits.anonymous_per_minute = "10"
void overlay_env(toml::table& root, const std::map<std::string, std::string>& env) {
  if (auto it = env.find("PORT"); it != env.end() && !it->second.empty()) {
    auto& server = section(root, "server");
    server.insert_or_assign("port", it->second);
    // PORT means a container (Cloud Run sets it): listen where the platform sends traffic, unless
    // the file names a host. HEADROOM_SERVER_HOST (below) and --set still win.
    if (!server.contains("host")) server.insert("host", "0.0.0.0");
  }
  for (const auto& [name, value] : env) {
    if (name.rfind("HEADROOM_", 0) != 0) continue;
    std::string rest = name.substr(9);
    for (char& c : rest) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string best;
    for (std::string_view s : schema::section_names()) {
      if (rest.rfind(fmt::format("{}_", s), 0) == 0 && s.size() > best.size()) best = s;
    }
    if (best.empty()) continue;  // HEADROOM_CONFIG and friends are not keys
    section(root, best).insert_or_assign(rest.substr(best.size() + 1), value);
  }
}

void overlay_sets(toml::table& root, const std::vector<std::string>& sets) {
  for (const auto& s : sets) {
    auto eq = s.find('=');
    auto dot = s.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq) {
      throw ConfigError(fmt::format("--set {}: expected section.key=value", s));
    }
    section(root, s.substr(0, dot)).insert_or_assign(s.substr(dot + 1, eq - dot - 1), s.substr(eq + 1));
  }
}

Config build(toml::table& root, std::string source_hash) {
  Reader r(root);
  Config c;
  read_config(r, root, c);
  r.throw_if_errors();
  c.source_hash = std::move(source_hash);
  return c;
}

}  // namespace

std::map<std::string, std::string> process_env() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

Config load(const LoadOptions& options) {
  toml::table root;
  std::string hash;
  if (std::filesystem::exists(options.file)) {
    std::ifstream in(options.file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    hash = crypto::sha256_hex(text.str());
    try {
      root = toml::parse(text.str(), options.file);
    } catch (const toml::parse_error& e) {
      throw ConfigError(
          fmt::format("{}:{}:{}: {}", options.file, e.source().begin.line, e.source().begin.column, e.description()));
    }
  } else if (options.file_required) {
    throw ConfigError(fmt::format("config file {} does not exist", options.file));
  }
  overlay_env(root, options.env);
  overlay_sets(root, options.sets);
  return build(root, hash);
}

Config load_from_string(const std::string& toml_text, const std::map<std::string, std::string>& env) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    throw ConfigError(fmt::format("line {}: {}", e.source().begin.line, e.description()));
  }
  overlay_env(root, env);
  return build(root, crypto::sha256_hex(toml_text));
}

const AppConfig* Config::app_by_id(std::string_view id) const {
  for (const auto& a : apps) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

const AppConfig* Config::app_by_key(std::string_view key) const {
  for (const auto& a : apps) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

const CollectionRules& Config::rules_for(const AppConfig& app, std::string_view collection) const {
  static const CollectionRules kDefaults;
  if (auto it = app.collections.find(collection); it != app.collections.end()) return it->second;
  if (auto it = app.collections.find(std::string_view("*")); it != app.collections.end()) return it->second;
  return kDefaults;
}

}  // namespace headroom::config
