// http: signed Pusher triggers (POST /apps/{id}/events) and document GETs (or any --get-path),
// each phase closed-loop (as fast as --connections allow) or open-loop at --rate with latency
// measured from the intended send time.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>

#include "common.hpp"
#include "messages.hpp"

namespace headroom::bench {

namespace {

using MakeRequest = std::function<HttpRequest()>;

struct alignas(64) PhaseStats {
  Histogram latency;
  std::map<int, uint64_t> statuses;  // 0: transport error
  std::atomic<uint64_t> done{0};
  uint64_t sent = 0;
};

class Phase {
 public:
  Phase(Context& ctx, Runtime& rt, MakeRequest make, int connections, double rate, double duration_s)
      : ctx_(ctx),
        rt_(rt),
        make_(std::move(make)),
        stats_(static_cast<size_t>(rt.size())),
        connections_(connections),
        rate_per_loop_(rate / rt.size()),
        duration_ns_(static_cast<int64_t>(duration_s * 1e9)) {}

  boost::json::object run(const std::string& name) {
    pools_.resize(stats_.size());
    t0_ = now_ns() + 5'000'000;
    end_ = t0_ + duration_ns_;
    const int per_loop = std::max(1, connections_ / rt_.size());
    for (int i = 0; i < rt_.size(); ++i) {
      pools_[static_cast<size_t>(i)] =
          HttpPool::create(rt_.loop(i), ctx_.server, per_loop, source_address(static_cast<size_t>(i), ctx_.sources));
    }
    rt_.on_all([&](Loop& loop) {
      loop.at(t0_, [this, &loop, per_loop] {
        if (rate_per_loop_ > 0) return tick(loop);
        for (int c = 0; c < per_loop; ++c) send_closed(loop);
      });
    });
    int64_t last = 0;
    while (now_ns() < end_ + 200'000'000) {
      sleep_ms(100);
      uint64_t done = 0;
      for (auto& s : stats_) done += s.done.load(std::memory_order_relaxed);
      if (now_ns() - last > 500'000'000) {
        ctx_.progress.show("http " + name + ": " + std::to_string(done) + " responses");
        last = now_ns();
      }
    }
    // Let in-flight requests finish (bounded).
    uint64_t sent = 0, done = 0;
    for (int i = 0; i < 50; ++i) {
      sent = done = 0;
      std::mutex m;
      rt_.on_all([&](Loop& loop) {
        std::lock_guard lock(m);
        sent += stats_[static_cast<size_t>(loop.index())].sent;
        done += stats_[static_cast<size_t>(loop.index())].done.load();
      });
      if (done >= sent) break;
      sleep_ms(100);
    }
    ctx_.progress.done();
    stopping_ = true;
    Histogram latency;
    std::map<int, uint64_t> statuses;
    std::mutex m;
    rt_.on_all([&](Loop& loop) {
      std::lock_guard lock(m);
      auto& s = stats_[static_cast<size_t>(loop.index())];
      latency.merge(s.latency);
      for (auto [code, n] : s.statuses) statuses[code] += n;
      pools_[static_cast<size_t>(loop.index())]->close();
    });
    boost::json::object codes;
    uint64_t ok = 0;
    for (auto [code, n] : statuses) {
      codes[std::to_string(code)] = n;
      if (code >= 200 && code < 300) ok += n;
    }
    const double seconds = static_cast<double>(duration_ns_) / 1e9;
    return {{"requests", latency.count()},
            {"ok", ok},
            {"statuses", codes},
            {"requests_per_s", static_cast<double>(latency.count()) / seconds},
            {"ok_per_s", static_cast<double>(ok) / seconds},
            {"mode", rate_per_loop_ > 0 ? "open-loop" : "closed-loop"},
            {"connections", connections_},
            {"latency", histogram_json(latency)}};
  }

 private:
  void issue(Loop& loop, int64_t intended, bool closed) {
    auto& s = stats_[static_cast<size_t>(loop.index())];
    ++s.sent;
    pools_[static_cast<size_t>(loop.index())]->request(
        make_(), [this, &loop, &s, intended, closed](const HttpResponse& r, std::string_view error) {
          s.latency.record(now_ns() - intended);
          int code = error.empty() ? r.status : 0;
          ++s.statuses[code];
          if (code == 0 && s.statuses[0] == 1) ctx_.progress.note("http error: " + std::string(error));
          s.done.fetch_add(1, std::memory_order_relaxed);
          if (closed && !stopping_ && now_ns() < end_) send_closed(loop);
        });
  }
  void send_closed(Loop& loop) { issue(loop, now_ns(), true); }

  void tick(Loop& loop) {
    auto& s = stats_[static_cast<size_t>(loop.index())];
    const int64_t now = std::min(now_ns(), end_);
    // Request i is due at t0 + i/rate: by time t, floor((t - t0) * rate) + 1 are due.
    const auto due =
        static_cast<uint64_t>(static_cast<double>(std::min(now, end_ - 1) - t0_) * rate_per_loop_ / 1e9) + 1;
    while (s.sent < due && pools_[static_cast<size_t>(loop.index())]->backlog() < 100000) {
      issue(loop, t0_ + static_cast<int64_t>(static_cast<double>(s.sent) * 1e9 / rate_per_loop_), false);
    }
    if (now < end_) loop.after(1'000'000, [this, &loop] { tick(loop); });
  }

  Context& ctx_;
  Runtime& rt_;
  MakeRequest make_;
  std::vector<PhaseStats> stats_;
  std::vector<std::shared_ptr<HttpPool>> pools_;
  int connections_;
  double rate_per_loop_;
  int64_t duration_ns_;
  int64_t t0_ = 0, end_ = 0;
  std::atomic<bool> stopping_{false};
};

// A blocking request on loop 0 (setup only).
HttpResponse request_once(Runtime& rt, Context& ctx, HttpRequest req, std::string& error) {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  HttpResponse out;
  auto pool = HttpPool::create(rt.loop(0), ctx.server, 1, "");
  rt.loop(0).post([&] {
    pool->request(std::move(req), [&](const HttpResponse& r, std::string_view e) {
      std::lock_guard lock(m);
      out = r;
      error = e;
      done = true;
      cv.notify_all();
    });
  });
  std::unique_lock lock(m);
  cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; });
  if (!done) error = "timeout";
  lock.unlock();
  rt.on_all([&](Loop& l) {
    if (l.index() == 0) pool->close();
  });
  return out;
}

}  // namespace

std::string server_token(const AppCredentials& app) {
  return jwt_hs256(app.secret,
                   R"({"sub":"headroom-bench","role":"server","exp":)" + std::to_string(unix_seconds() + 86400) + "}");
}

int run_http(Context& ctx) {
  const std::string mode = ctx.opts.str("mode", "both");  // trigger | get | both
  const double duration_s = ctx.opts.number("duration", 2);
  const double rate = ctx.opts.number("rate", 0);
  const int connections = static_cast<int>(ctx.opts.integer("connections", 16));
  std::string get_path = ctx.opts.str("get-path", "");
  const std::string collection = ctx.opts.str("collection", "bench");
  const auto pad = static_cast<size_t>(ctx.opts.integer("payload", 64));

  Runtime rt(ctx.threads);
  const AppCredentials app = ctx.app;
  if (mode == "trigger" || mode == "both") {
    const std::string path = "/apps/" + app.id + "/events";
    const std::string data(pad, 'x');
    Phase trigger(
        ctx, rt,
        [&app, path, data] {
          HttpRequest r;
          r.method = "POST";
          r.body = R"({"name":"bench","channels":["bench-http"],"data":)" + json_quote(marker(now_ns()) + data) + "}";
          r.target = path + "?" + pusher_api_query(app, "POST", path, r.body, unix_seconds());
          r.headers = "Content-Type: application/json\r\n";
          return r;
        },
        connections, rate, duration_s);
    ctx.results["trigger"] = trigger.run("trigger");
  }
  if (mode == "get" || mode == "both") {
    std::string headers;
    if (get_path.empty()) {  // the document API: one document, read again and again (cached)
      get_path = "/v1/apps/" + app.id + "/collections/" + collection + "/docs/bench-doc";
      headers = "Authorization: Bearer " + server_token(app) + "\r\n";
      HttpRequest put{"PUT", get_path, headers + "Content-Type: application/json\r\n",
                      R"({"title":"bench","body":")" + std::string(pad, 'x') + R"(","n":1})"};
      std::string error;
      HttpResponse r = request_once(rt, ctx, put, error);
      if (!error.empty() || r.status >= 300) {
        ctx.error("document setup (PUT " + get_path +
                  "): " + (error.empty() ? "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200) : error));
      }
    }
    Phase get(
        ctx, rt,
        [get_path, headers] {
          HttpRequest r;
          r.target = get_path;
          r.headers = headers;
          return r;
        },
        connections, rate, duration_s);
    ctx.results["get"] = get.run("get");
    ctx.results["get"].as_object()["path"] = get_path;
  }
  rt.stop();
  return ctx.results.empty() ? 2 : 0;
}

}  // namespace headroom::bench
