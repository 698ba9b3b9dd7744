#include "metrics/process_stats.hpp"

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace headroom::metrics {

namespace {
int count_fds() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++n;
    closedir(d);
    n -= 3;  // ".", ".." and the directory's own descriptor
  }
  return n < 0 ? 0 : n;
}

double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double v = 0;
      in >> v;
      return v;
    }
  }
  return 0;
}
}  // namespace

ProcessStats read_process_stats() {
  ProcessStats s;
  static const double kTicks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const uint64_t kPage = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  std::ifstream stat("/proc/self/stat");
  std::string line;
  std::getline(stat, line);
  // Fields after the parenthesised command name; utime is field 14, stime 15, starttime 22.
  auto close = line.rfind(')');
  if (close != std::string::npos) {
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0, start = 0;
    for (int i = 3; rest >> field; ++i) {
      if (i == 14) utime = std::stod(field);
      if (i == 15) stime = std::stod(field);
      if (i == 22) {
        start = std::stod(field);
        break;
      }
    }
    s.cpu_seconds = (utime + stime) / kTicks;
    static const double kBoot = boot_time_seconds();
    s.start_time_seconds = kBoot + start / kTicks;
  }
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  s.virtual_bytes = size * kPage;
  s.resident_bytes = resident * kPage;
  s.open_fds = count_fds();
  return s;
}

std::optional<uint64_t> cgroup_memory_limit() {
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string v;
    if (!(in >> v) || v == "max") continue;
    try {
      uint64_t limit = std::stoull(v);
      if (limit > 0 && limit < (uint64_t{1} << 60)) return limit;
    } catch (...) {
    }
  }
  return std::nullopt;
}

}  // namespace headroom::metrics
