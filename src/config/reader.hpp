#pragma once
// Typed, validating access to a parsed TOML tree. Values given as strings (environment variables,
// --set) are converted. Problems are collected, not thrown one by one, so a user sees every mistake
// in one run. Which keys exist, and their bounds, is declared in schema.cpp; read_config reads them.
#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace headroom::config {

class Reader {
 public:
  explicit Reader(toml::table& root) : root_(root) {}

  void get(const toml::table& t, const std::string& path, const std::string& key, int& out, int64_t min, int64_t max);
  void get(const toml::table& t, const std::string& path, const std::string& key, int64_t& out, int64_t min,
           int64_t max);
  void get(const toml::table& t, const std::string& path, const std::string& key, double& out, double min, double max);
  void get(const toml::table& t, const std::string& path, const std::string& key, bool& out);
  void get(const toml::table& t, const std::string& path, const std::string& key, std::string& out,
           const std::vector<std::string>& allowed = {});
  void get(const toml::table& t, const std::string& path, const std::string& key, std::vector<std::string>& out);

  // The table of a top-level section (an empty one when absent).
  const toml::table& section(const std::string& name);
  void error(std::string message) { errors_.push_back(std::move(message)); }
  void throw_if_errors() const;

 private:
  toml::table& root_;
  toml::table empty_;
  std::vector<std::string> errors_;
};

// Every section, [[channels.history]] and [[apps]] of `root` into `c`; unknown keys are errors.
void read_config(Reader& r, const toml::table& root, Config& c);

}  // namespace headroom::config
