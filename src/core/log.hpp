#pragma once
// Logging facade over spdlog. Every line is one JSON object:
//   {"ts":"2026-11-27T05:24:18.123Z","level":"info","msg":"..."}
// Access lines (one per HTTP request) are built whole by the caller and go to the "access" logger.
// Secrets are never passed to a logger; config printing redacts them.
#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace headroom::log {

struct Options {
  std::string level = "info";  // trace|debug|info|warn|error|off
  std::string file;            // empty: stderr
  size_t max_file_bytes = 64 << 20;
  size_t max_files = 7;
  bool access_log = true;
  // Error and warn lines beyond this many per second are dropped and counted, so a flood of bad
  // input cannot fill the disk.
  int max_errors_per_second = 50;
};

void init(const Options& options);
// The JSON-escaped form of `text`, without quotes.
std::string json_escape(std::string_view text);
// Writes one access line; `json_fields` are the object's fields after ts and level, e.g.
// "msg":"access","status":200 (no braces). No-op when disabled.
void access(std::string_view json_fields);
// False when access lines are off, so callers can skip building them.
bool access_enabled();
// True if this warn/error line may be written now; false means it was dropped (and counted).
bool error_budget_allows();
uint64_t dropped_lines();

}  // namespace headroom::log
