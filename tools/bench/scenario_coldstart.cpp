// coldstart: spawn the server binary on a free port with a fresh data directory and time how long
// it takes until GET /readyz answers 200 (and until the port first accepts). Plain blocking
// sockets: nothing else runs meanwhile.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <sstream>

#include "common.hpp"

extern char** environ;

namespace headroom::bench {

namespace {

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// -1: not accepting; otherwise the HTTP status of GET path.
int probe(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  int status = 0;
  if (write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
    char buf[64] = {};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n >= 12 && std::strncmp(buf, "HTTP/1.", 7) == 0) status = std::atoi(buf + 9);
  }
  close(fd);
  return status;
}

std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string substitute(std::string s, const std::string& key, const std::string& value) {
  for (size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), value);
  return s;
}

pid_t spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

// SIGTERM, then SIGKILL after 10 s; returns how it ended ("exit 0", "signal 11", ...).
std::string stop(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 1000; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                               : "signal " + std::to_string(WTERMSIG(status));
    }
    sleep_ms(10);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return "killed after 10 s";
}

}  // namespace

int run_coldstart(Context& ctx) {
  const std::string bin = ctx.opts.str("server-bin", "");
  // Any command: {port} and {dir} are replaced. Default: the Headroom binary.
  const std::string cmd = ctx.opts.str("cmd", bin + " serve --host 127.0.0.1 --port {port} --data-dir {dir}/data");
  const std::string ready_path = ctx.opts.str("ready-path", "/readyz");
  const int runs = static_cast<int>(ctx.opts.integer("runs", 3));
  const double timeout_s = ctx.opts.number("timeout", 10);
  if (bin.empty() && cmd.starts_with(" ")) {
    ctx.error("coldstart needs --server-bin (or --cmd)");
    return 2;
  }
  Histogram ready_h, accept_h;
  boost::json::array samples;
  for (int run = 0; run < runs; ++run) {
    const int port = free_port();
    std::string dir_template = (std::filesystem::temp_directory_path() / "headroom-coldstart-XXXXXX").string();
    const std::string dir = mkdtemp(dir_template.data()) ? dir_template : "/tmp";
    std::vector<std::string> argv;
    for (const auto& w : split_words(cmd))
      argv.push_back(substitute(substitute(w, "{port}", std::to_string(port)), "{dir}", dir));
    const int64_t t0 = now_ns();
    pid_t pid = spawn(argv);
    if (pid <= 0) {
      ctx.error("cannot start " + argv[0]);
      return 1;
    }
    int64_t accepted = 0, ready = 0;
    while (now_ns() - t0 < static_cast<int64_t>(timeout_s * 1e9)) {
      int status = probe(port, ready_path);
      if (status >= 0 && accepted == 0) accepted = now_ns() - t0;
      if (status == 200) {
        ready = now_ns() - t0;
        break;
      }
      if (waitpid(pid, nullptr, WNOHANG) == pid) {
        pid = 0;
        break;
      }
      usleep(500);
    }
    const std::string ended = pid > 0 ? stop(pid) : "exited early";
    std::error_code ec;
    if (dir != "/tmp") std::filesystem::remove_all(dir, ec);
    if (ready == 0) {
      ctx.error(pid == 0 ? "server exited before it was ready" : "not ready within the timeout");
      continue;
    }
    ready_h.record(ready);
    accept_h.record(accepted);
    samples.push_back(
        boost::json::object{{"ready_ms", ms(ready)}, {"first_accept_ms", ms(accepted)}, {"stopped", ended}});
    ctx.progress.show("coldstart: run " + std::to_string(run + 1) + "/" + std::to_string(runs));
  }
  ctx.progress.done();
  ctx.results = {{"runs", runs},
                 {"ready_runs", ready_h.count()},
                 {"ready_ms_min", ms(ready_h.min())},
                 {"ready_ms_median", ms(ready_h.quantile(0.5))},
                 {"ready_ms_max", ms(ready_h.max())},
                 {"first_accept_ms_median", ms(accept_h.quantile(0.5))},
                 {"ready_path", ready_path},
                 {"samples", samples}};
  return ready_h.count() ? 0 : 1;
}

}  // namespace headroom::bench
