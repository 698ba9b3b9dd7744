#include "common.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace headroom::bench {

Options Options::parse(int argc, char** argv, std::string& error) {
  Options o;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (!a.starts_with("--")) {
      error = "unexpected argument: " + a;
      return o;
    }
    a = a.substr(2);
    size_t eq = a.find('=');
    if (eq != std::string::npos) {
      o.values_[a.substr(0, eq)] = a.substr(eq + 1);
    } else if (i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("--")) {
      o.values_[a] = argv[++i];
    } else {
      o.values_[a] = "true";
    }
  }
  return o;
}

std::string Options::str(const std::string& name, const std::string& fallback) {
  read_[name] = true;
  auto it = values_.find(name);
  std::string v = it == values_.end() ? fallback : it->second;
  if (name.find("secret") == std::string::npos) used_[name] = v;
  return v;
}

int64_t Options::integer(const std::string& name, int64_t fallback) {
  read_[name] = true;
  auto it = values_.find(name);
  int64_t v = it == values_.end() ? fallback : std::stoll(it->second);
  used_[name] = v;
  return v;
}

double Options::number(const std::string& name, double fallback) {
  read_[name] = true;
  auto it = values_.find(name);
  double v = it == values_.end() ? fallback : std::stod(it->second);
  used_[name] = v;
  return v;
}

bool Options::flag(const std::string& name, bool fallback) {
  read_[name] = true;
  auto it = values_.find(name);
  bool v = it == values_.end() ? fallback : (it->second == "true" || it->second == "1" || it->second == "yes");
  used_[name] = v;
  return v;
}

std::vector<std::string> Options::unused() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : values_) {
    if (!read_.count(k)) out.push_back(k);
  }
  return out;
}

Progress::Progress() : tty_(isatty(STDERR_FILENO) == 1) {}

void Progress::show(const std::string& line) {
  if (!tty_) return;
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  dirty_ = true;
}

void Progress::note(const std::string& line) {
  if (dirty_) std::fputs("\r\033[K", stderr);
  dirty_ = false;
  std::fprintf(stderr, "%s\n", line.c_str());
}

void Progress::done() {
  if (dirty_) std::fputs("\r\033[K", stderr);
  dirty_ = false;
}

void Context::error(const std::string& what) {
  ++error_count;
  if (errors.size() < 20) errors.emplace_back(what);
}

boost::json::object histogram_json(const Histogram& h) {
  return {{"count", h.count()},
          {"mean_ms", ms(static_cast<int64_t>(h.mean()))},
          {"p50_ms", ms(h.quantile(0.5))},
          {"p90_ms", ms(h.quantile(0.9))},
          {"p99_ms", ms(h.quantile(0.99))},
          {"p999_ms", ms(h.quantile(0.999))},
          {"max_ms", ms(h.max())}};
}

int64_t process_rss_bytes(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmRSS:")) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void sleep_ms(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

double ms(int64_t ns) { return static_cast<double>(ns / 1000) / 1000.0; }

}  // namespace headroom::bench
