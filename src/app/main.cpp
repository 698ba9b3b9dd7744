// headroom: the command line. Each subcommand takes --config FILE (default ./headroom.toml);
// errors print one line saying what is wrong and exit non-zero.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/backup_commands.hpp"
#include "app/commands.hpp"
#include "app/plan_command.hpp"
#include "config/loader.hpp"
#include "config/reference.hpp"

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
  bool check_strict = false;
  check_cmd->add_flag("--strict", check_strict, "exit 1 when the config has warnings (e.g. short app secrets)");
  auto* print_cmd = config_cmd->add_subcommand("print", "print the effective config as TOML, secrets redacted");
  auto* docs_cmd = config_cmd->add_subcommand("docs", "print the reference of every key (docs/configuration.md)");

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

  // Backups and data movement (src/ops, docs/recovery.md).
  app::OpsOptions ops;
  auto* backup_cmd = cli.add_subcommand("backup", "online backups: create, list, verify, restore");
  backup_cmd->require_subcommand(1);
  backup_cmd->fallthrough();
  backup_cmd->add_option("--data-dir", ops.data_dir, "data directory (default: data.dir)");
  auto* bk_create = backup_cmd->add_subcommand("create", "take a backup now (safe while the server runs)");
  auto* bk_list = backup_cmd->add_subcommand("list", "list complete backups, oldest first");
  bk_list->add_flag("--json", ops.json, "print JSON");
  auto* bk_verify = backup_cmd->add_subcommand("verify", "re-check a backup's checksums, integrity and counts");
  bk_verify->add_option("backup", ops.backup, "backup name or path")->required();
  auto* bk_restore = backup_cmd->add_subcommand("restore", "build a new data directory from a backup");
  bk_restore->add_option("backup", ops.backup, "backup name or path")->required();
  bk_restore->add_option("--to", ops.to, "new data directory (must not exist or be empty)")->required();
  bk_restore->add_option("--until", ops.until, "replay the change log up to a seq, an ISO UTC time, or 'latest'");
  bk_restore->add_option("--from-data", ops.from_data,
                         "data directory whose change log is replayed (default: data.dir)");
  auto* export_cmd = cli.add_subcommand("export", "write documents as NDJSON");
  export_cmd->add_option("--app", ops.app, "only this app");
  export_cmd->add_option("--collection", ops.collection, "only this collection");
  export_cmd->add_option("--out", ops.out, "output file (default: stdout)");
  export_cmd->add_option("--data-dir", ops.data_dir, "data directory (default: data.dir)");
  auto* import_cmd = cli.add_subcommand("import", "read NDJSON documents (all lines valid, or nothing imported)");
  import_cmd->add_option("file", ops.file, "NDJSON file ('-' for stdin)")->required();
  import_cmd->add_option("--data-dir", ops.data_dir, "data directory (default: data.dir)");

  app::PlanOptions plan;
  auto* plan_cmd = cli.add_subcommand("plan", "estimate instances and monthly cost for a number of users");
  plan_cmd->add_option("users", plan.users, "number of users (the issue-8 user model)")->required();
  plan_cmd->add_option("--vcpu", plan.vcpu, "instance vCPUs (default: smallest seed shape that fits)");
  plan_cmd->add_option("--memory-mb", plan.memory_mb, "instance memory in MiB, with --vcpu");
  plan_cmd->add_option("--bench", plan.bench_file,
                       "measured capacity: headroom-bench users JSON or bench/results file");
  plan_cmd->add_option("--price-vcpu-second", plan.price_vcpu_second, "USD per vCPU-second (default Cloud Run list)");
  plan_cmd->add_option("--price-gib-second", plan.price_gib_second, "USD per GiB-second (default Cloud Run list)");
  plan_cmd->add_flag("--json", plan.json, "print JSON");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  try {
    if (*serve_cmd) return app::run_serve(common, serve);
    if (*check_cmd) return app::run_config_check(common, check_file, check_strict);
    if (*print_cmd) return app::run_config_print(common);
    if (*docs_cmd) return std::fputs(config::reference_markdown().c_str(), stdout) < 0 ? 1 : 0;
    if (*version_cmd) return app::run_version();
    if (*token_cmd) return app::run_token(common, token);
    if (*rules_cmd) return app::run_alert_rules(common);
    if (*bk_create) return app::run_backup_create(common, ops);
    if (*bk_list) return app::run_backup_list(common, ops);
    if (*bk_verify) return app::run_backup_verify(common, ops);
    if (*bk_restore) return app::run_backup_restore(common, ops);
    if (*export_cmd) return app::run_export(common, ops);
    if (*import_cmd) return app::run_import(common, ops);
    if (*plan_cmd) return app::run_plan(plan);
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "headroom: config: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "headroom: %s\n", e.what());
    return 1;
  }
  return 0;
}
