#pragma once
// Typed, validating access to a parsed TOML tree. Each get marks its key as known; values given as
// strings (environment variables, --set) are converted. Problems are collected, not thrown one by
// one, so a user sees every mistake in one run.
#include <toml++/toml.h>

#include <cstdint>
#include <set>
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
  const toml::node* node(const std::string& name) const { return root_.get(name); }
  void error(std::string message) { errors_.push_back(std::move(message)); }
  void mark(const std::string& full_key) { known_.insert(full_key); }
  void reject_unknown(const std::vector<std::string>& sections, const std::set<std::string>& arrays);
  void throw_if_errors() const;

 private:
  toml::table& root_;
  toml::table empty_;
  std::set<std::string> known_;
  std::vector<std::string> errors_;
};

void read_server(Reader& r, ServerConfig& s);
void read_misc(Reader& r, Config& c);    // data, log, admin, cache, alerts, backup, channels
void read_limits(Reader& r, Config& c);  // websocket, rate_limits, quotas
void read_apps(Reader& r, Config& c);

}  // namespace headroom::config
