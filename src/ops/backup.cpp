#include "ops/backup.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>

#include "ops/files.hpp"

namespace headroom::ops {
namespace fs = std::filesystem;
namespace {

std::string backup_name(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &tm);
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return std::string(buf) + ms;
}

Status write_snapshot(storage::Maintenance& storage, const BackupRequest& r, const std::string& tmp, Manifest& m) {
  auto src = storage.open(r.db_path, storage::Maintenance::Access::kWrite);
  if (!src) return src.status();
  std::string db = tmp + "/" + kDbFile;
  auto snap = (*src)->snapshot_to(db, storage::SnapshotOptions{r.pages_per_step, r.progress});
  if (!snap) return snap.status();
  m.seqs = std::move(snap->seqs);
  m.documents = std::move(snap->documents);
  if (Status s = fsync_path(db); !s) return s;
  if (Status s = write_file_durable(tmp + "/" + kConfigFile, r.config_toml, 0600); !s) return s;
  std::vector<std::string> names{kDbFile, kConfigFile};
  for (const auto& extra : r.extra_files) {
    std::string name = fs::path(extra).filename().string();
    if (Status s = copy_file_durable(extra, tmp + "/" + name, 0600); !s) return s;
    names.push_back(name);
  }
  for (const auto& f : names) {
    auto sum = sha256_file(tmp + "/" + f);
    if (!sum) return sum.status();
    m.files[f] = *sum;
  }
  m.db_bytes = static_cast<int64_t>(fs::file_size(db));
  return Status::ok();
}

}  // namespace

std::string database_path(const config::Config& config) { return (fs::path(config.data.dir) / kDbFile).string(); }

std::vector<std::string> data_dir_files(const config::Config& config) {
  std::vector<std::string> out;
  for (const char* name : {"dev-app.env", "admin-token"}) {
    fs::path p = fs::path(config.data.dir) / name;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) out.push_back(p.string());
  }
  return out;
}

std::string backups_dir(const config::Config& config) {
  return config.backup.dir.empty() ? (fs::path(config.data.dir) / "backups").string() : config.backup.dir;
}

Result<BackupInfo> create_backup(storage::Maintenance& storage, const BackupRequest& r) {
  Clock& clock = r.clock ? *r.clock : SystemClock::instance();
  if (!fs::exists(r.db_path)) return not_found("no database at " + r.db_path);
  std::error_code ec;
  fs::create_directories(r.backups_dir, ec);
  if (ec) return internal_error("cannot create " + r.backups_dir + ": " + ec.message());
  auto started = clock.now();
  Manifest m;
  m.created_ms = clock.unix_ms();
  m.headroom_version = r.headroom_version;
  std::string name = backup_name(m.created_ms);
  for (int i = 1; fs::exists(fs::path(r.backups_dir) / name); ++i)
    name = backup_name(m.created_ms) + "-" + std::to_string(i);
  std::string final_path = (fs::path(r.backups_dir) / name).string();
  std::string tmp = final_path + ".tmp";
  fs::remove_all(tmp, ec);
  fs::create_directory(tmp, ec);
  if (ec) return internal_error("cannot create " + tmp + ": " + ec.message());
  Status s = write_snapshot(storage, r, tmp, m);
  if (s) {
    m.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - started).count();
    s = write_file_durable(tmp + "/" + kManifestFile, m.to_json());
  }
  if (s) s = fsync_path(tmp);
  if (s) {
    fs::rename(tmp, final_path, ec);
    if (ec) s = internal_error("rename " + tmp + ": " + ec.message());
  }
  if (s) s = fsync_path(r.backups_dir);
  if (!s) {
    fs::remove_all(tmp, ec);
    return s;
  }
  return BackupInfo{name, final_path, std::move(m)};
}

std::vector<BackupInfo> list_backups(const std::string& dir) {
  std::vector<BackupInfo> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (!e.is_directory() || name.ends_with(".tmp")) continue;
    auto text = read_file((e.path() / kManifestFile).string());
    if (!text) continue;
    auto m = Manifest::parse(*text);
    if (!m) continue;
    out.push_back(BackupInfo{name, e.path().string(), std::move(*m)});
  }
  std::sort(out.begin(), out.end(), [](const BackupInfo& a, const BackupInfo& b) {
    return a.manifest.created_ms != b.manifest.created_ms ? a.manifest.created_ms < b.manifest.created_ms
                                                          : a.name < b.name;
  });
  return out;
}

std::vector<std::string> prune_backups(const std::string& dir, int keep, int64_t now_ms) {
  std::vector<std::string> removed;
  auto all = list_backups(dir);
  std::error_code ec;
  for (size_t i = 0; keep >= 0 && i + static_cast<size_t>(keep) < all.size(); ++i) {
    fs::remove_all(all[i].path, ec);
    if (!ec) removed.push_back(all[i].name);
  }
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (!name.ends_with(".tmp")) continue;
    struct stat st {};
    if (::stat(e.path().c_str(), &st) == 0 && now_ms / 1000 - st.st_mtime > 3600) {
      fs::remove_all(e.path(), ec);
      removed.push_back(name);
    }
  }
  return removed;
}

Result<BackupInfo> find_backup(const std::string& dir, const std::string& name_or_path) {
  fs::path p =
      fs::exists(fs::path(name_or_path) / kManifestFile) ? fs::path(name_or_path) : fs::path(dir) / name_or_path;
  auto text = read_file((p / kManifestFile).string());
  if (!text) return not_found("no backup '" + name_or_path + "' (looked in " + p.string() + ")");
  auto m = Manifest::parse(*text);
  if (!m) return m.status();
  return BackupInfo{p.filename().string(), p.string(), std::move(*m)};
}

Result<VerifyReport> verify_backup(storage::Maintenance& storage, const std::string& path, const Progress& progress) {
  auto info = find_backup("", path);
  if (!info) return info.status();
  VerifyReport report{info->manifest, {}};
  const Manifest& m = report.manifest;
  uint64_t step = 0, steps = m.files.size() + 2;
  for (const char* f : {kDbFile, kConfigFile}) {
    if (!m.files.count(f)) report.problems.push_back(std::string("manifest lists no checksum for ") + f);
  }
  for (const auto& [file, sum] : m.files) {
    auto actual = sha256_file(info->path + "/" + file);
    if (!actual) {
      report.problems.push_back(actual.status().message());
    } else if (*actual != sum) {
      report.problems.push_back(file + ": sha256 " + actual->substr(0, 16) + "… does not match the manifest's " +
                                sum.substr(0, 16) + "…");
    }
    if (progress) progress(++step, steps);
  }
  auto db = storage.open(info->path + "/" + kDbFile, storage::Maintenance::Access::kRead);
  if (!db) {
    report.problems.push_back(db.status().message());
    return report;
  }
  if (std::string bad = (*db)->check_integrity(true); !bad.empty())
    report.problems.push_back("integrity_check: " + bad);
  if (progress) progress(++step, steps);
  auto counts = (*db)->document_counts();
  if (!counts) {
    report.problems.push_back("counting documents: " + counts.status().message());
  } else if (*counts != m.documents) {
    report.problems.push_back("document counts differ from the manifest");
  }
  if (progress) progress(++step, steps);
  return report;
}

}  // namespace headroom::ops
