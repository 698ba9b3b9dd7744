#pragma once
// What the kernel says about this process: CPU seconds, resident memory, open files, and the
// memory limit of the cgroup we run in (Cloud Run, Kubernetes), if any.
#include <cstdint>
#include <optional>

namespace headroom::metrics {

struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  uint64_t resident_bytes = 0;
  uint64_t virtual_bytes = 0;
  int open_fds = 0;
  double start_time_seconds = 0;  // Unix time
};

ProcessStats read_process_stats();
// cgroup v2 memory.max or v1 memory.limit_in_bytes; nullopt when unlimited or unknown.
std::optional<uint64_t> cgroup_memory_limit();

}  // namespace headroom::metrics
