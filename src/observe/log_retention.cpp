#include "observe/log_retention.hpp"

#include <cctype>
#include <filesystem>

namespace headroom::observe {

namespace fs = std::filesystem;

namespace {
// True for "<stem>.<digits><ext>", the names spdlog gives rotated files.
bool is_rotated(const std::string& name, const std::string& stem, const std::string& ext) {
  if (name.size() <= stem.size() + 1 + ext.size()) return false;
  if (name.compare(0, stem.size(), stem) != 0 || name[stem.size()] != '.') return false;
  if (name.compare(name.size() - ext.size(), ext.size(), ext) != 0) return false;
  const std::string digits = name.substr(stem.size() + 1, name.size() - stem.size() - 1 - ext.size());
  if (digits.empty()) return false;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::chrono::system_clock::time_point to_system(fs::file_time_type t) {
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(t - fs::file_time_type::clock::now() +
                                                                           std::chrono::system_clock::now());
}
}  // namespace

int prune_rotated_logs(const std::string& log_file, std::chrono::system_clock::time_point cutoff) {
  const fs::path path(log_file);
  const std::string stem = path.stem().string();
  const std::string ext = path.extension().string();
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  int deleted = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_rotated(name, stem, ext)) continue;
    std::error_code tec;
    auto written = it->last_write_time(tec);
    if (tec || to_system(written) >= cutoff) continue;
    if (fs::remove(it->path(), tec) && !tec) ++deleted;
  }
  return deleted;
}

}  // namespace headroom::observe
