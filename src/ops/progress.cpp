#include "ops/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace headroom::ops {

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), tty_(::isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::finish() {
  if (tty_ && last_percent_ >= 0) std::fputc('\n', stderr);
  last_percent_ = -1;
}

void ProgressBar::update(uint64_t done, uint64_t total) {
  if (!tty_ || total == 0) return;
  int percent = static_cast<int>(done * 100 / total);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr int kWidth = 30;
  int filled = percent * kWidth / 100;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  std::fprintf(stderr, "\r%s [%s] %3d%%", label_.c_str(), bar.c_str(), percent);
  std::fflush(stderr);
}

Progress ProgressBar::callback() {
  if (!tty_) return {};
  return [this](uint64_t done, uint64_t total) { update(done, total); };
}

}  // namespace headroom::ops
