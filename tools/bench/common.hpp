#pragma once
// What every scenario shares: options, the target server, the JSON report, progress on a TTY,
// and reading a process's memory.
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "histogram.hpp"
#include "net.hpp"
#include "signing.hpp"

namespace headroom::bench {

class Options {
 public:
  // argv after the subcommand: --name value | --name=value | --flag
  static Options parse(int argc, char** argv, std::string& error);
  std::string str(const std::string& name, const std::string& fallback);
  int64_t integer(const std::string& name, int64_t fallback);
  double number(const std::string& name, double fallback);
  bool flag(const std::string& name, bool fallback = false);
  [[nodiscard]] std::vector<std::string> unused() const;
  [[nodiscard]] const boost::json::object& used() const { return used_; }

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> read_;
  boost::json::object used_;
};

class Progress {
 public:
  Progress();
  void show(const std::string& line);  // replaces the status line on a TTY; nothing otherwise
  void note(const std::string& line);  // a permanent line on stderr
  void done();

 private:
  bool tty_;
  bool dirty_ = false;
};

struct Context {
  Options opts;
  Endpoint server;
  AppCredentials app;
  std::string protocol;  // pusher | nats | redis
  int threads = 1;
  int sources = 1;
  int server_pid = 0;
  Progress progress;
  boost::json::object results;
  boost::json::array errors;
  void error(const std::string& what);  // counted and kept (first 20)
  uint64_t error_count = 0;
};

boost::json::object histogram_json(const Histogram& h);  // milliseconds
int64_t process_rss_bytes(int pid);                      // VmRSS, 0 if unknown
int64_t unix_seconds();
void sleep_ms(int64_t ms);
double ms(int64_t ns);

int run_fanout(Context& ctx);
int run_idle(Context& ctx);
int run_http(Context& ctx);
int run_coldstart(Context& ctx);
int run_users(Context& ctx);

}  // namespace headroom::bench
