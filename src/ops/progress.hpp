#pragma once
// A progress bar on stderr for long CLI operations, shown only when stderr is a terminal.
#include <cstdint>
#include <string>

#include "ops/backup.hpp"

namespace headroom::ops {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  void update(uint64_t done, uint64_t total);
  // Ends the bar's line (before printing a result); also done by the destructor.
  void finish();
  // A Progress callback bound to this bar (a no-op when stderr is not a TTY).
  Progress callback();

 private:
  std::string label_;
  bool tty_;
  int last_percent_ = -1;
};

}  // namespace headroom::ops
