// users: the user model of issue 8. Each user holds one signed-in connection (10 % VIP:
// user_info.tier "vip"), joins a presence room of --room-size members, its private user channel and
// one broadcast channel; sends a client event to its room every --event-interval s, reads a
// document every --read-interval s and writes one every --write-interval s. Users are added in
// steps until the p99 of any steady operation (client event delivery, document read, document
// write) over a step passes --p99-limit-ms, or the server's RSS passes --rss-limit-mb.
// Every timing is taken from the intended time of the operation (coordinated omission).
#include <atomic>
#include <mutex>
#include <random>

#include "common.hpp"
#include "messages.hpp"
#include "pusher_client.hpp"

namespace headroom::bench {

std::string server_token(const AppCredentials& app);  // scenario_http.cpp

namespace {

enum Op { kJoin, kClientEvent, kDocRead, kDocWrite, kOps };
const char* kOpNames[kOps] = {"join", "client_event", "doc_read", "doc_write"};

struct alignas(64) LoopStats {
  Histogram window[kOps];
  Histogram total[kOps];
  uint64_t errors[kOps] = {};
};

struct Settings {
  size_t room_size = 50;
  int vip_percent = 10;
  int64_t event_ns = 10'000'000'000, read_ns = 10'000'000'000, write_ns = 60'000'000'000;
  bool docs = true;
  std::string collection = "bench";
};

class UserModel {
 public:
  UserModel(Context& ctx, Runtime& rt, Settings s)
      : ctx_(ctx), rt_(rt), s_(std::move(s)), stats_(static_cast<size_t>(rt.size())) {
    concurrency_ = static_cast<size_t>(ctx.opts.integer("connect-concurrency", 256));
    events_.on_connected = [this](PusherClient& c) { on_connected(c); };
    events_.on_subscribed = [this](PusherClient& c, std::string_view) { on_subscribed(c); };
    events_.on_signed_in = [this](PusherClient&) { signed_in_.fetch_add(1); };
    events_.on_event = [this](PusherClient& c, std::string_view text) {
      if (pusher_event_name(text) != "client-msg") return;
      auto& st = stats(c);
      for_each_marker(text, [&](int64_t v) { st.window[kClientEvent].record(now_ns() - v); });
    };
    events_.on_error = [this](PusherClient& c, std::string_view e) {
      ++stats(c).errors[kJoin];
      if (!error_noted_.exchange(true)) ctx_.progress.note("user error: " + std::string(e));
    };
    events_.on_closed = [this](PusherClient& c, std::string_view reason) {
      (c.pending < 0 ? dropped_ : failed_).fetch_add(1);
      if (!error_noted_.exchange(true)) ctx_.progress.note("user connection closed: " + std::string(reason));
    };
    if (s_.docs) {
      // Reads and writes get pools of their own: users are independent, so one user's read must
      // not queue behind another user's write (with one shared pool of 8 connections a few
      // writes waiting for their fsync held every connection and reads measured the writes).
      const int conns = static_cast<int>(ctx.opts.integer("http-connections", 16));
      for (int i = 0; i < rt.size(); ++i) {
        pools_.push_back(
            HttpPool::create(rt.loop(i), ctx.server, conns, source_address(static_cast<size_t>(i) + 100, ctx.sources)));
        write_pools_.push_back(
            HttpPool::create(rt.loop(i), ctx.server, conns, source_address(static_cast<size_t>(i) + 100, ctx.sources)));
      }
    }
  }

  void add(size_t n, int64_t timeout_ns) {
    const size_t target = users_.size() + n;
    users_.reserve(target);
    while (users_.size() < target) {
      const size_t id = users_.size();
      auto c = std::make_shared<PusherClient>(ctx_.app, events_, id);
      users_.push_back(c);
      Loop& loop = rt_.loop(static_cast<int>(id % static_cast<size_t>(rt_.size())));
      loop.post([this, c, &loop] {
        c->started_ns = now_ns();
        c->connect(loop, ctx_.server, source_address(c->id(), ctx_.sources));
      });
      const int64_t wait_until = now_ns() + timeout_ns;
      while (users_.size() > ready_.load() + failed_.load() + concurrency_ && now_ns() < wait_until) sleep_ms(1);
    }
    const int64_t deadline = now_ns() + timeout_ns;
    while (ready_.load() + failed_.load() < target && now_ns() < deadline) sleep_ms(5);
  }

  size_t ready() const { return ready_.load(); }
  size_t failed() const { return failed_.load(); }
  size_t dropped() const { return dropped_.load(); }

  // Merges and clears the per-loop window histograms.
  std::array<Histogram, kOps> take_window() {
    std::array<Histogram, kOps> out;
    std::mutex m;
    rt_.on_all([&](Loop& loop) {
      auto& st = stats_[static_cast<size_t>(loop.index())];
      std::lock_guard lock(m);
      for (int op = 0; op < kOps; ++op) {
        out[static_cast<size_t>(op)].merge(st.window[op]);
        st.total[op].merge(st.window[op]);
        st.window[op].reset();
      }
    });
    return out;
  }

  boost::json::object totals() {
    boost::json::object o;
    for (int op = 0; op < kOps; ++op) {
      Histogram h;
      uint64_t errors = 0;
      for (auto& st : stats_) {
        h.merge(st.total[op]);
        errors += st.errors[op];
      }
      auto j = histogram_json(h);
      j["errors"] = errors;
      o[kOpNames[op]] = j;
    }
    o["signed_in"] = signed_in_.load();
    return o;
  }

  void create_room_docs(size_t max_users) {
    if (!s_.docs) return;
    const std::string token = server_token(ctx_.app);
    for (size_t room = 0; room * s_.room_size < max_users; ++room) {
      rt_.loop(0).post([this, room, token] {
        HttpRequest r{"PUT", doc_path("room-" + std::to_string(room)),
                      "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n",
                      R"({"topic":"room )" + std::to_string(room) + R"(","members":50})"};
        pools_[0]->request(std::move(r), [this](const HttpResponse& resp, std::string_view e) {
          if (!e.empty() || resp.status >= 300) {
            if (!error_noted_.exchange(true))
              ctx_.progress.note("room document: " + std::string(e) + " " + std::to_string(resp.status) + " " +
                                 resp.body.substr(0, 200));
          }
          rooms_ready_.fetch_add(1);
        });
      });
    }
    const size_t rooms = (max_users + s_.room_size - 1) / s_.room_size;
    for (int i = 0; i < 1000 && rooms_ready_.load() < rooms; ++i) sleep_ms(10);
  }

  void close() {
    for (auto& p : pools_) p->close();
    for (auto& p : write_pools_) p->close();
  }

 private:
  LoopStats& stats(PusherClient& c) { return stats_[static_cast<size_t>(c.loop()->index())]; }
  size_t room_of(size_t id) const { return id / s_.room_size; }
  bool vip(size_t id) const { return static_cast<int>(id % 100) < s_.vip_percent; }
  std::string user_id(size_t id) const { return "u" + std::to_string(id); }
  std::string user_info(size_t id) const { return std::string(R"({"tier":")") + (vip(id) ? "vip" : "user") + R"("})"; }
  std::string doc_path(const std::string& doc) const {
    return "/v1/apps/" + ctx_.app.id + "/collections/" + s_.collection + "/docs/" + doc;
  }

  void on_connected(PusherClient& c) {
    const size_t id = c.id();
    c.signin(R"({"id":")" + user_id(id) + R"(","user_info":)" + user_info(id) + "}");
    c.subscribe("presence-room-" + std::to_string(room_of(id)),
                R"({"user_id":")" + user_id(id) + R"(","user_info":)" + user_info(id) + "}");
    c.subscribe("private-user-" + user_id(id));
    c.subscribe("broadcast");
    c.pending = 3;
  }

  void on_subscribed(PusherClient& c) {
    if (c.pending <= 0 || --c.pending > 0) return;
    c.pending = -1;  // ready: a close from now on is a drop
    stats(c).window[kJoin].record(now_ns() - c.started_ns);
    ready_.fetch_add(1);
    std::mt19937_64 rng(c.id() * 7919 + 1);
    auto phase = [&](int64_t period) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(period)); };
    const int64_t now = now_ns();
    auto self = c.shared_from_this();
    schedule_event(self, now + phase(s_.event_ns));
    if (s_.docs) {
      schedule_read(self, now + phase(s_.read_ns));
      schedule_write(self, now + phase(s_.write_ns));
    }
  }

  void schedule_event(std::shared_ptr<PusherClient> c, int64_t when) {
    c->loop()->at(when, [this, c, when] {
      if (!c->connected()) return;
      c->trigger("presence-room-" + std::to_string(room_of(c->id())), "client-msg", marker(when) + user_id(c->id()));
      schedule_event(c, when + s_.event_ns);
    });
  }

  void doc_request(const std::shared_ptr<PusherClient>& c, Op op, int64_t intended, HttpRequest r) {
    auto& st = stats(*c);
    auto& pools = op == kDocWrite ? write_pools_ : pools_;
    pools[static_cast<size_t>(c->loop()->index())]->request(
        std::move(r), [&st, op, intended](const HttpResponse& resp, std::string_view e) {
          st.window[op].record(now_ns() - intended);
          if (!e.empty() || resp.status >= 300) ++st.errors[op];
        });
  }

  std::string token_header(size_t id) const {
    return "Authorization: Bearer " +
           jwt_hs256(ctx_.app.secret, R"({"sub":")" + user_id(id) + R"(","tier":")" +
                                          (vip(id) ? "vip" : "authenticated") + R"(","exp":)" +
                                          std::to_string(unix_seconds() + 3600) + "}") +
           "\r\n";
  }

  void schedule_read(std::shared_ptr<PusherClient> c, int64_t when) {
    c->loop()->at(when, [this, c, when] {
      if (!c->connected()) return;
      doc_request(c, kDocRead, when,
                  {"GET", doc_path("room-" + std::to_string(room_of(c->id()))), token_header(c->id()), ""});
      schedule_read(c, when + s_.read_ns);
    });
  }

  void schedule_write(std::shared_ptr<PusherClient> c, int64_t when) {
    c->loop()->at(when, [this, c, when] {
      if (!c->connected()) return;
      doc_request(c, kDocWrite, when,
                  {"PUT", doc_path(user_id(c->id())), token_header(c->id()) + "Content-Type: application/json\r\n",
                   R"({"status":"online","at":)" + std::to_string(when) + "}"});
      schedule_write(c, when + s_.write_ns);
    });
  }

  Context& ctx_;
  Runtime& rt_;
  Settings s_;
  PusherEvents events_;
  std::vector<LoopStats> stats_;
  std::vector<std::shared_ptr<HttpPool>> pools_, write_pools_;  // per loop: document reads, writes
  std::vector<std::shared_ptr<PusherClient>> users_;
  std::atomic<size_t> ready_{0}, failed_{0}, dropped_{0}, signed_in_{0}, rooms_ready_{0};
  std::atomic<bool> error_noted_{false};
  size_t concurrency_ = 256;

 public:
  void clear() { users_.clear(); }
};

struct Ramp {
  size_t start_users, step_users, max_users;
  double step_s, p99_limit_ms, rss_limit_mb;
  int64_t timeout_ns;
};

// One row of the ramp table; worst_p99_ms is over the steady operations (not join).
boost::json::object step_row(UserModel& model, const std::array<Histogram, kOps>& window, int64_t rss,
                             double& worst_p99_ms) {
  boost::json::object row{{"users", model.ready() - model.dropped()},
                          {"failed", model.failed()},
                          {"dropped", model.dropped()},
                          {"server_rss_bytes", rss}};
  worst_p99_ms = 0;
  for (int op = 0; op < kOps; ++op) {
    const auto& h = window[static_cast<size_t>(op)];
    row[std::string(kOpNames[op]) + "_p99_ms"] = ms(h.quantile(0.99));
    row[std::string(kOpNames[op]) + "_count"] = h.count();
    if (op != kJoin) worst_p99_ms = std::max(worst_p99_ms, ms(h.quantile(0.99)));
  }
  return row;
}

// Adds users step by step; returns the users held at the last step within the limits.
size_t ramp(Context& ctx, UserModel& model, const Ramp& r, boost::json::array& steps, std::string& stop_reason) {
  size_t reached = 0;
  stop_reason = "max-users";
  for (size_t users = r.start_users; users <= r.max_users; users += r.step_users) {
    ctx.progress.show("users: ramping to " + std::to_string(users));
    const size_t have = model.ready() + model.failed();
    model.add(users > have ? users - have : 0, r.timeout_ns);
    auto connect_window = model.take_window();  // the connect burst is not part of the step's window
    sleep_ms(static_cast<int64_t>(r.step_s * 1000));
    auto window = model.take_window();
    window[kJoin] = connect_window[kJoin];
    const int64_t rss = process_rss_bytes(ctx.server_pid);
    double worst = 0;
    steps.push_back(step_row(model, window, rss, worst));
    ctx.progress.note("users " + std::to_string(model.ready() - model.dropped()) + ": worst p99 " +
                      std::to_string(worst) + " ms, rss " + std::to_string(rss >> 20) + " MB");
    if (worst > r.p99_limit_ms) {
      stop_reason = "p99";
    } else if (r.rss_limit_mb > 0 && static_cast<double>(rss) > r.rss_limit_mb * 1048576.0) {
      stop_reason = "rss";
    } else if ((model.failed() + model.dropped()) * 100 > users) {
      stop_reason = "connection-errors";
    } else {
      reached = model.ready() - model.dropped();
      continue;
    }
    break;
  }
  ctx.progress.done();
  return reached;
}

}  // namespace

int run_users(Context& ctx) {
  Settings s;
  s.room_size = static_cast<size_t>(ctx.opts.integer("room-size", 50));
  s.vip_percent = static_cast<int>(ctx.opts.integer("vip-percent", 10));
  s.event_ns = static_cast<int64_t>(ctx.opts.number("event-interval", 10) * 1e9);
  s.read_ns = static_cast<int64_t>(ctx.opts.number("read-interval", 10) * 1e9);
  s.write_ns = static_cast<int64_t>(ctx.opts.number("write-interval", 60) * 1e9);
  s.docs = ctx.opts.flag("docs", true);
  s.collection = ctx.opts.str("collection", "bench");
  Ramp r;
  r.start_users = static_cast<size_t>(ctx.opts.integer("start-users", 50));
  r.step_users = static_cast<size_t>(std::max<int64_t>(1, ctx.opts.integer("step-users", 50)));
  r.max_users = static_cast<size_t>(ctx.opts.integer("max-users", 1000));
  r.step_s = ctx.opts.number("step-seconds", 10);
  r.p99_limit_ms = ctx.opts.number("p99-limit-ms", 200);
  r.rss_limit_mb = ctx.opts.number("rss-limit-mb", 512);
  r.timeout_ns = static_cast<int64_t>(ctx.opts.number("connect-timeout", 60) * 1e9);

  Runtime rt(ctx.threads);
  UserModel model(ctx, rt, s);
  model.create_room_docs(r.max_users);
  boost::json::array steps;
  std::string stop_reason;
  const size_t reached = ramp(ctx, model, r, steps, stop_reason);
  rt.stop();
  model.close();
  ctx.results = {{"users_reached", reached},
                 {"stop_reason", stop_reason},
                 {"p99_limit_ms", r.p99_limit_ms},
                 {"rss_limit_mb", r.rss_limit_mb},
                 {"room_size", s.room_size},
                 {"vip_percent", s.vip_percent},
                 {"docs", s.docs},
                 {"steps", steps},
                 {"operations", model.totals()}};
  model.clear();
  return steps.empty() ? 1 : 0;
}

}  // namespace headroom::bench
