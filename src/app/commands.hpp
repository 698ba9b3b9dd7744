#pragma once
// The subcommands behind main.cpp. Each returns the process exit code; config errors throw
// config::ConfigError, other failures std::exception (main prints them as one line).
#include <string>
#include <vector>

namespace headroom::app {

struct CommonOptions {
  std::string config_file = "headroom.toml";
  std::vector<std::string> sets;
};

struct ServeOptions {
  int port = -1;
  std::string host;
  std::string data_dir;
};

struct TokenOptions {
  std::string app_id;
  std::string subject;
  std::string tier = "authenticated";
  std::string ttl = "1h";
  bool server_role = false;
};

int run_serve(const CommonOptions& common, const ServeOptions& serve);
// Warnings (config/warnings.hpp) go to stderr, one line each; exit 0, or 1 with them when strict.
int run_config_check(const CommonOptions& common, const std::string& file, bool strict);
int run_config_print(const CommonOptions& common);
int run_version();
int run_token(const CommonOptions& common, const TokenOptions& token);
// Prints the alert rules (thresholds from the config) as a Prometheus rules file.
int run_alert_rules(const CommonOptions& common);

}  // namespace headroom::app
