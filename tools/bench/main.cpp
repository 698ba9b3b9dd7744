// headroom-bench: a load generator that speaks Pusher Channels v7 (WebSocket + signed HTTP API),
// the document API, NATS-over-WebSocket and Redis pub/sub, so Headroom and its peers run the same
// workload. Progress on stderr when it is a TTY; results as one JSON object on stdout.
#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <thread>

#include "common.hpp"

namespace hb = headroom::bench;

namespace {

const char* kUsage = R"(usage: headroom-bench <scenario> [--option value ...]

scenarios:
  fanout     N subscribers on one channel, events published at --rate; deliveries/s and latency
  idle       N idle connections; server RSS per connection (--server-pid)
  http       signed Pusher triggers/s and document GETs/s (--get-path for a fixed URL)
  coldstart  spawn the server (--server-bin), time to /readyz 200
  users      the user model, ramped until p99 > --p99-limit-ms or RSS > --rss-limit-mb

common options:
  --host 127.0.0.1 --port 8080        the server
  --protocol pusher|nats|redis        what the server speaks (fanout, idle)
  --app-id app1 --app-key key1 --app-secret ...   Pusher app credentials (the bench signs itself)
  --threads N                         event loops (default: cores, at most 4)
  --sources N                         source addresses 127.0.0.1..N (default: enough for the count)
  --server-pid PID                    read the server's memory from /proc
  --pretty                            indent the JSON
)";

std::string iso_now() {
  time_t t = time(nullptr);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  return buf;
}

boost::json::object machine() {
  utsname u{};
  uname(&u);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return {{"cpus", std::thread::hardware_concurrency()},
          {"kernel", std::string(u.release)},
          {"arch", std::string(u.machine)}};
}

// JSON text with plain decimal numbers (Boost.JSON would print 2.5E0) and optional indentation.
void write_json(std::string& out, const boost::json::value& v, int indent, bool pretty) {
  const std::string pad = pretty ? "\n" + std::string(static_cast<size_t>(indent + 1) * 2, ' ') : "";
  const std::string close_pad = pretty ? "\n" + std::string(static_cast<size_t>(indent) * 2, ' ') : "";
  if (v.is_double()) {
    char buf[64];
    double d = v.as_double();
    std::snprintf(buf, sizeof buf, "%.10g", std::isfinite(d) ? d : 0.0);
    out += buf;
  } else if (v.is_object() && !v.as_object().empty()) {
    out += '{';
    bool first = true;
    for (const auto& [k, e] : v.as_object()) {
      out += first ? "" : ",";
      out += pad + boost::json::serialize(boost::json::string(k)) + (pretty ? ": " : ":");
      write_json(out, e, indent + 1, pretty);
      first = false;
    }
    out += close_pad + '}';
  } else if (v.is_array() && !v.as_array().empty()) {
    out += '[';
    bool first = true;
    for (const auto& e : v.as_array()) {
      out += first ? "" : ",";
      out += pad;
      write_json(out, e, indent + 1, pretty);
      first = false;
    }
    out += close_pad + ']';
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::map<std::string, int (*)(hb::Context&)> scenarios = {{"fanout", hb::run_fanout},
                                                                  {"idle", hb::run_idle},
                                                                  {"http", hb::run_http},
                                                                  {"coldstart", hb::run_coldstart},
                                                                  {"users", hb::run_users}};
  const std::string name = argv[1];
  auto it = scenarios.find(name);
  if (it == scenarios.end()) {
    std::fprintf(stderr, "headroom-bench: unknown scenario '%s'\n%s", name.c_str(), kUsage);
    return 2;
  }
  std::string error;
  hb::Context ctx;
  ctx.opts = hb::Options::parse(argc - 2, argv + 2, error);
  if (!error.empty()) {
    std::fprintf(stderr, "headroom-bench: %s\n", error.c_str());
    return 2;
  }
  int code = 0;
  try {
    ctx.server.host = ctx.opts.str("host", "127.0.0.1");
    ctx.server.port = static_cast<int>(ctx.opts.integer("port", 8080));
    ctx.app.id = ctx.opts.str("app-id", "app1");
    ctx.app.key = ctx.opts.str("app-key", "key1");
    ctx.app.secret = ctx.opts.str("app-secret", "secret1-very-secret");
    ctx.protocol = ctx.opts.str("protocol", "pusher");
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    ctx.threads = static_cast<int>(ctx.opts.integer("threads", std::clamp(cores, 1, 4)));
    ctx.sources = static_cast<int>(ctx.opts.integer("sources", 8));
    ctx.server_pid = static_cast<int>(ctx.opts.integer("server-pid", 0));
    const bool indent = ctx.opts.flag("pretty");
    const uint64_t files = hb::raise_file_limit(static_cast<uint64_t>(ctx.opts.integer("max-files", 200000)));
    const std::string started = iso_now();
    code = it->second(ctx);
    for (const auto& u : ctx.opts.unused()) ctx.progress.note("warning: unknown option --" + u);
    boost::json::object out = {{"tool", "headroom-bench"}, {"scenario", name},
                               {"ok", code == 0},          {"started_at", started},
                               {"finished_at", iso_now()}, {"machine", machine()},
                               {"file_limit", files},      {"options", ctx.opts.used()},
                               {"results", ctx.results},   {"error_count", ctx.error_count},
                               {"errors", ctx.errors}};
    std::string text;
    write_json(text, out, 0, indent);
    std::puts(text.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "headroom-bench: %s: %s\n", name.c_str(), e.what());
    return 2;
  }
  return code;
}
