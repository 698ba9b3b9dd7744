#pragma once
// Age-based retention for the rotated log files spdlog's rotating sink leaves beside log.file
// ("headroom.log" → "headroom.1.log", "headroom.2.log", ...). Size rotation and the file count
// (log.max_file_mb, log.keep_files) are spdlog's; this deletes rotated files older than
// log.max_age_days. The active file is never touched.
#include <chrono>
#include <string>

namespace headroom::observe {

// Deletes "<stem>.<N><ext>" siblings of `log_file` last written before `cutoff` (system clock).
// Returns how many were deleted; errors (permissions, races) are skipped.
int prune_rotated_logs(const std::string& log_file, std::chrono::system_clock::time_point cutoff);

}  // namespace headroom::observe
