// headroom: the command line. Each subcommand takes --config FILE (default ./headroom.toml);
// errors print one line saying what is wrong and exit non-zero.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "app/commands.hpp"
#include "config/loader.hpp"

int main(int argc, char** argv) {
  using namespace headroom;
  CLI::App cli{"Headroom: a realtime backend in one binary (Pusher channels, documents, limits, cache, metrics)",
               "headroom"};
  cli.require_subcommand(1);
  cli.fallthrough();  // --config and --set work before or after the subcommand
  app::CommonOptions common;
  cli.add_option("--config", common.config_file, "config file (default ./headroom.toml)");
  cli.add_option("--set", common.sets, "override a key: --set server.port=9000 (repeatable)");

  app::ServeOptions serve;
  auto* serve_cmd = cli.add_subcommand("serve", "run the server (embedded defaults: SQLite, in-process broker)");
  serve_cmd->add_option("--port", serve.port, "port to listen on (also PORT env)");
  serve_cmd->add_option("--host", serve.host, "address to listen on");
  serve_cmd->add_option("--data-dir", serve.data_dir, "data directory (default ./headroom-data)");

  auto* config_cmd = cli.add_subcommand("config", "check or print the configuration");
  config_cmd->require_subcommand(1);
  config_cmd->fallthrough();
  std::string check_file;
  auto* check_cmd = config_cmd->add_subcommand("check", "validate a config file; exit 0 if valid");
  check_cmd->add_option("file", check_file, "file to check (default: --config)");
  auto* print_cmd = config_cmd->add_subcommand("print", "print the effective config as TOML, secrets redacted");

  auto* version_cmd = cli.add_subcommand("version", "print the version");

  app::TokenOptions token;
  auto* token_cmd = cli.add_subcommand("token", "mint a JWT for an app's document API (tests and scripts)");
  token_cmd->add_option("--app", token.app_id, "app id")->required();
  token_cmd->add_option("--sub", token.subject, "subject (user id)")->required();
  token_cmd->add_option("--tier", token.tier, "authenticated | vip")->check(CLI::IsMember({"authenticated", "vip"}));
  token_cmd->add_option("--ttl", token.ttl, "lifetime, e.g. 30m, 1h, 7d");
  token_cmd->add_flag("--server", token.server_role, "role: server (bypasses collection rules)");

  auto* alerts_cmd = cli.add_subcommand("alerts", "alert rules");
  alerts_cmd->require_subcommand(1);
  alerts_cmd->fallthrough();
  auto* rules_cmd = alerts_cmd->add_subcommand("rules", "print the alert rules as a Prometheus rules file (YAML)");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  try {
    if (*serve_cmd) return app::run_serve(common, serve);
    if (*check_cmd) return app::run_config_check(common, check_file);
    if (*print_cmd) return app::run_config_print(common);
    if (*version_cmd) return app::run_version();
    if (*token_cmd) return app::run_token(common, token);
    if (*rules_cmd) return app::run_alert_rules(common);
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "headroom: config: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "headroom: %s\n", e.what());
    return 1;
  }
  return 0;
}
