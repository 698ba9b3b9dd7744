#include "app/commands.hpp"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <iostream>

#include "app/backends.hpp"
#include "app/data_dir.hpp"
#include "app/modules.hpp"
#include "app/reload_policy.hpp"
#include "config/loader.hpp"
#include "config/warnings.hpp"
#include "core/log.hpp"
#include "docs/jwt.hpp"
#include "metrics/registry.hpp"
#include "observe/alert_rules.hpp"
#include "ops/backup.hpp"
#include "ops/config_diff.hpp"
#include "ops/cron.hpp"
#include "ops/restore.hpp"
#include "server/server.hpp"

#ifndef HEADROOM_VERSION
#define HEADROOM_VERSION "0.0.0"
#endif

namespace headroom::app {

namespace {

config::Config load_config(const CommonOptions& common, const std::vector<std::string>& extra_sets = {}) {
  config::LoadOptions options;
  options.file = common.config_file;
  options.file_required = common.config_file != "headroom.toml";
  options.sets = common.sets;
  options.sets.insert(options.sets.end(), extra_sets.begin(), extra_sets.end());
  options.env = config::process_env();
  return config::load(options);
}

void print_first_start(const config::Config& config, const FirstStart& first) {
  for (const auto& app : config.apps) {
    if (app.name != "development app") continue;
    if (first.created_dev_app) {
      std::printf("development app created (saved in %s/dev-app.env):\n  id=%s key=%s secret=%s\n",
                  config.data.dir.c_str(), app.id.c_str(), app.key.c_str(), app.secret.c_str());
    } else {
      std::printf("development app: id=%s key=%s (secret in %s/dev-app.env)\n", app.id.c_str(), app.key.c_str(),
                  config.data.dir.c_str());
    }
  }
  if (first.created_admin_token) {
    std::printf("admin token created (saved in %s/admin-token): %s\n", config.data.dir.c_str(),
                config.admin.token.c_str());
  }
  std::fflush(stdout);
}

// The endpoint the listener bound: server.host is an IP literal (the listener refuses names),
// printed canonically, with the port it got (port 0 asks the kernel for a free one). Scripts
// take the port from the text up to the first space, so notes go in the parentheses after it.
std::string listening_line(const std::string& host, int port, const std::string& data_dir) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  const std::string text = ec ? host : address.to_string();
  const bool v6 = !ec && address.is_v6();
  const char* note = !ec && address.is_unspecified() ? "every interface; " : "";
  return fmt::format("headroom {} listening on http://{}{}{}:{} ({}data in {})", HEADROOM_VERSION, v6 ? "[" : "", text,
                     v6 ? "]" : "", port, note, data_dir);
}

void log_warnings(const config::Config& config) {
  for (const auto& w : config::config_warnings(config)) spdlog::warn("config: {}", w);
}

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// SIGHUP: the same loader with the same file, env and flags. A bad file keeps the running config;
// keys that cannot change live keep their running value and are named in the log line.
// A server started with configured apps never gains the development app, even when a reload
// removes every app (dev_app says whether it started with one).
server::Server::Reloader make_reloader(const CommonOptions& common, const std::vector<std::string>& sets,
                                       const config::Config& initial, bool dev_app, metrics::Registry& metrics) {
  struct Current {
    std::shared_ptr<const config::Config> config;
    std::string toml;
    std::string hash;
  };
  auto running = std::make_shared<const config::Config>(initial);
  auto current =
      std::make_shared<Current>(Current{running, config::to_toml(initial, false), initial.source_hash.substr(0, 16)});
  return [common, sets, current, dev_app, &metrics]() -> std::shared_ptr<const config::Config> {
    std::shared_ptr<config::Config> next;
    ReloadPlan plan;
    try {
      next = std::make_shared<config::Config>(load_config(common, sets));
      // The generated dev app and admin token come from the running data dir, whatever the file says.
      const std::string file_data_dir = next->data.dir;
      next->data.dir = current->config->data.dir;
      prepare_data_dir(*next, dev_app ? DevApp::kWhenNoApps : DevApp::kNever);
      next->data.dir = file_data_dir;
      // Compared before the running values are put back, so restart-only changes are reported.
      auto changed = ops::changed_config_keys(current->toml, config::to_toml(*next, false));
      plan = plan_reload(*current->config, *next, changed);
    } catch (const std::exception& e) {
      spdlog::error("config reload failed, keeping the running config: {}", e.what());
      return nullptr;
    }
    if (const std::string& spec = next->backup.schedule; !spec.empty() && spec != "off") {
      if (auto cron = ops::CronSchedule::parse(spec); !cron) {
        spdlog::error("config reload failed, keeping the running config: backup.schedule: {}", cron.status().message());
        return nullptr;
      }
    }
    log_warnings(*next);
    std::string toml = config::to_toml(*next, false);
    if (plan.applied.empty() && plan.needs_restart.empty()) {
      spdlog::info("config reloaded from {}: no changes", common.config_file);
    } else if (plan.needs_restart.empty()) {
      spdlog::info("config reloaded from {}: applied {}", common.config_file, joined(plan.applied));
    } else {
      spdlog::warn("config reloaded from {}: applied {}; needs a restart (running value kept): {}", common.config_file,
                   plan.applied.empty() ? "nothing" : joined(plan.applied), joined(plan.needs_restart));
    }
    const char* help = "Loaded config (sha256 prefix of the file; empty for defaults).";
    std::string hash = next->source_hash.substr(0, 16);
    if (hash != current->hash) {
      metrics.gauge("headroom_config_version", help, {{"sha256", current->hash}}).set(0);
      metrics.gauge("headroom_config_version", help, {{"sha256", hash}}).set(1);
    }
    current->config = next;
    current->toml = std::move(toml);
    current->hash = hash;
    return next;
  };
}

}  // namespace

int run_serve(const CommonOptions& common, const ServeOptions& serve) {
  std::vector<std::string> sets;
  if (serve.port >= 0) sets.push_back(fmt::format("server.port={}", serve.port));
  if (!serve.host.empty()) sets.push_back("server.host=" + serve.host);
  if (!serve.data_dir.empty()) sets.push_back("data.dir=" + serve.data_dir);
  config::Config config = load_config(common, sets);
  log::init(log::Options{config.log.level, config.log.file, static_cast<size_t>(config.log.max_file_mb) << 20,
                         static_cast<size_t>(config.log.keep_files), config.log.access_log,
                         config.log.max_errors_per_second});
  log_warnings(config);
  FirstStart first = prepare_data_dir(config);
  const config::Config& cfg = config;  // from here on, read-only
  // A corrupt database is refused before anything serves from it (docs/recovery.md).
  if (std::string bad = ops::startup_database_check(*open_maintenance(cfg), ops::database_path(cfg)); !bad.empty()) {
    spdlog::critical("{}", bad);
    std::fprintf(stderr, "headroom: %s\n", bad.c_str());
    return 3;
  }

  metrics::Registry metrics;
  metrics.gauge("headroom_build_info", "Build information.", {{"version", HEADROOM_VERSION}}).set(1);
  metrics
      .gauge("headroom_config_version", "Loaded config (sha256 prefix of the file; empty for defaults).",
             {{"sha256", cfg.source_hash.substr(0, 16)}})
      .set(1);
  server::Server server(cfg, metrics);
  server.set_reloader(make_reloader(common, sets, cfg, first.dev_app, metrics));
  auto modules = install_modules(server.context());
  int port = server.start();
  print_first_start(cfg, first);
  spdlog::info("{}", listening_line(cfg.server.host, port, cfg.data.dir));
  int code = server.run_until_signalled();
  modules.reset();
  return code;
}

int run_config_check(const CommonOptions& common, const std::string& file, bool strict) {
  CommonOptions options = common;
  if (!file.empty()) options.config_file = file;
  config::LoadOptions load;
  load.file = options.config_file;
  load.file_required = true;
  load.sets = options.sets;
  load.env = config::process_env();
  config::Config c = config::load(load);
  const auto warnings = config::config_warnings(c);
  for (const auto& w : warnings) std::fprintf(stderr, "headroom: config: warning: %s\n", w.c_str());
  std::printf("%s: ok (%zu apps, %zu warnings)\n", options.config_file.c_str(), c.apps.size(), warnings.size());
  return strict && !warnings.empty() ? 1 : 0;
}

int run_config_print(const CommonOptions& common) {
  std::fputs(config::to_toml(load_config(common), true).c_str(), stdout);
  return 0;
}

int run_version() {
  std::printf("headroom %s\n", HEADROOM_VERSION);
  return 0;
}

int run_token(const CommonOptions& common, const TokenOptions& token) {
  config::Config config = load_config(common);
  prepare_data_dir(config);
  const config::AppConfig* app = config.app_by_id(token.app_id);
  if (!app) {
    std::fprintf(stderr, "headroom: token: no app with id '%s'\n", token.app_id.c_str());
    return 2;
  }
  int64_t ttl = docs::parse_ttl_seconds(token.ttl);
  if (ttl <= 0) {
    std::fprintf(stderr, "headroom: token: --ttl '%s' is not a duration like 30m, 1h, 7d (at most 10 years)\n",
                 token.ttl.c_str());
    return 2;
  }
  http::Tier tier = token.server_role     ? http::Tier::kServer
                    : token.tier == "vip" ? http::Tier::kVip
                                          : http::Tier::kAuthenticated;
  std::printf("%s\n", docs::mint_jwt(docs::app_jwt_secret(*app), token.subject, tier,
                                     SystemClock::instance().unix_ms() / 1000, ttl)
                          .c_str());
  return 0;
}

int run_alert_rules(const CommonOptions& common) {
  std::fputs(observe::prometheus_rules_yaml(observe::default_rules(load_config(common))).c_str(), stdout);
  return 0;
}

}  // namespace headroom::app
