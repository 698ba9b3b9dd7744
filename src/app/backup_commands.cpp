#include "app/backup_commands.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/backends.hpp"
#include "app/data_dir.hpp"
#include "config/loader.hpp"
#include "ops/backup.hpp"
#include "ops/module.hpp"
#include "ops/ndjson.hpp"
#include "ops/progress.hpp"
#include "ops/restore.hpp"

#ifndef HEADROOM_VERSION
#define HEADROOM_VERSION "0.0.0"
#endif

namespace headroom::app {
namespace {

config::Config load(const CommonOptions& common, const OpsOptions& o) {
  config::LoadOptions options;
  options.file = common.config_file;
  options.file_required = common.config_file != "headroom.toml";
  options.sets = common.sets;
  if (!o.data_dir.empty()) options.sets.push_back("data.dir=" + o.data_dir);
  options.env = config::process_env();
  return config::load(options);
}

std::string counts(const std::map<std::string, int64_t>& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  return out.empty() ? "none" : out;
}

int fail(const char* what, const Status& s) {
  std::fprintf(stderr, "headroom: %s: %s\n", what, s.message().c_str());
  return s.code() == Code::kInvalidArgument || s.code() == Code::kFailedPrecondition ? 2 : 1;
}

}  // namespace

int run_backup_create(const CommonOptions& common, const OpsOptions& o) {
  config::Config config = load(common, o);
  prepare_data_dir(config);  // the backup's config then holds the admin token and dev app too
  ops::ProgressBar bar("backup");
  ops::BackupRequest r{ops::database_path(config),
                       ops::backups_dir(config),
                       config::to_toml(config, false),
                       HEADROOM_VERSION,
                       ops::data_dir_files(config),
                       1024,
                       bar.callback(),
                       nullptr};
  auto b = ops::create_backup(*open_maintenance(config), r);
  bar.finish();
  if (!b) return fail("backup create", b.status());
  auto removed = ops::prune_backups(r.backups_dir, config.backup.keep, SystemClock::instance().unix_ms());
  std::printf("backup %s created in %s (%lld bytes, %lld ms); documents: %s; seq: %s; %zu old removed\n",
              b->name.c_str(), b->path.c_str(), static_cast<long long>(b->manifest.db_bytes),
              static_cast<long long>(b->manifest.duration_ms), counts(b->manifest.documents).c_str(),
              counts(b->manifest.seqs).c_str(), removed.size());
  return 0;
}

int run_backup_list(const CommonOptions& common, const OpsOptions& o) {
  config::Config config = load(common, o);
  auto all = ops::list_backups(ops::backups_dir(config));
  if (o.json) {
    std::string out = "[";
    for (size_t i = 0; i < all.size(); ++i) out += (i ? "," : "") + ops::backup_json(all[i]);
    std::printf("%s]\n", out.c_str());
    return 0;
  }
  if (all.empty()) std::printf("no backups in %s\n", ops::backups_dir(config).c_str());
  for (const auto& b : all) {
    std::printf("%s  %10lld bytes  documents: %s  seq: %s\n", b.name.c_str(),
                static_cast<long long>(b.manifest.db_bytes), counts(b.manifest.documents).c_str(),
                counts(b.manifest.seqs).c_str());
  }
  return 0;
}

int run_backup_verify(const CommonOptions& common, const OpsOptions& o) {
  config::Config config = load(common, o);
  auto info = ops::find_backup(ops::backups_dir(config), o.backup);
  if (!info) return fail("backup verify", info.status());
  ops::ProgressBar bar("verify");
  auto report = ops::verify_backup(*open_maintenance(config), info->path, bar.callback());
  bar.finish();
  if (!report) return fail("backup verify", report.status());
  if (!report->ok()) {
    for (const auto& p : report->problems)
      std::fprintf(stderr, "headroom: backup verify: %s: %s\n", info->name.c_str(), p.c_str());
    return 1;
  }
  std::printf("backup %s: ok (checksums, integrity_check, documents: %s)\n", info->name.c_str(),
              counts(report->manifest.documents).c_str());
  return 0;
}

int run_backup_restore(const CommonOptions& common, const OpsOptions& o) {
  config::Config config = load(common, o);
  ops::RestoreRequest r;
  r.backup = o.backup;
  r.backups_dir = ops::backups_dir(config);
  r.to_dir = o.to;
  if (!o.until.empty()) {
    auto until = ops::parse_until(o.until);
    if (!until) return fail("backup restore", until.status());
    r.until = *until;
    r.source_db = (std::filesystem::path(o.from_data.empty() ? config.data.dir : o.from_data) / ops::kDbFile).string();
  }
  ops::ProgressBar bar("replay");
  r.progress = bar.callback();
  auto res = ops::restore_backup(*open_maintenance(config), r);
  bar.finish();
  if (!res) return fail("backup restore", res.status());
  std::printf("restored %s into %s; %lld changes replayed; documents: %s; seq: %s\n", res->backup.name.c_str(),
              o.to.c_str(), static_cast<long long>(res->replayed), counts(res->documents).c_str(),
              counts(res->seqs).c_str());
  std::printf("start it with: headroom serve --config FILE --data-dir %s\n", o.to.c_str());
  return 0;
}

int run_export(const CommonOptions& common, const OpsOptions& o) {
  config::Config config = load(common, o);
  std::ofstream file;
  if (!o.out.empty() && o.out != "-") {
    file.open(o.out, std::ios::binary | std::ios::trunc);
    if (!file) return fail("export", Status(Code::kInvalidArgument, "cannot write " + o.out));
  }
  std::ostream& out = file.is_open() ? static_cast<std::ostream&>(file) : std::cout;
  auto n = ops::export_ndjson(*open_maintenance(config), ops::database_path(config), {o.app, o.collection}, out);
  if (!n) return fail("export", n.status());
  std::fprintf(stderr, "exported %lld documents\n", static_cast<long long>(*n));
  return 0;
}

int run_import(const CommonOptions& common, const OpsOptions& o) {
  config::Config config = load(common, o);
  std::ifstream file;
  if (o.file != "-") {
    file.open(o.file, std::ios::binary);
    if (!file) return fail("import", Status(Code::kInvalidArgument, "cannot read " + o.file));
  }
  std::istream& in = file.is_open() ? static_cast<std::istream&>(file) : std::cin;
  std::filesystem::create_directories(config.data.dir);
  auto r = ops::import_ndjson(*open_maintenance(config), ops::database_path(config), in, SystemClock::instance());
  if (!r) return fail("import", r.status());
  if (!r->bad.empty()) {
    for (const auto& b : r->bad)
      std::fprintf(stderr, "%s:%lld: %s\n", o.file.c_str(), static_cast<long long>(b.line), b.why.c_str());
    std::fprintf(stderr, "headroom: import: %zu bad lines; nothing was imported\n", r->bad.size());
    return 1;
  }
  std::printf("imported %lld documents into %s\n", static_cast<long long>(r->imported),
              ops::database_path(config).c_str());
  return 0;
}

}  // namespace headroom::app
