// fanout: N subscribers on one channel, events published at an open-loop rate (Pusher HTTP API,
// NATS PUB or Redis PUBLISH); reports deliveries/s and publish-to-delivery latency, measured
// from each event's intended send time (carried in the event) so a stalled publisher cannot hide
// latency (coordinated omission).
#include <atomic>
#include <memory>
#include <vector>

#include "common.hpp"
#include "messages.hpp"
#include "pusher_client.hpp"
#include "raw_pubsub.hpp"
#include "subscribers.hpp"

namespace headroom::bench {

namespace {

struct alignas(64) LoopStats {
  Histogram delivery;
  Histogram publish;
  std::atomic<uint64_t> deliveries{0};
  std::atomic<uint64_t> published{0};
  std::atomic<uint64_t> publish_errors{0};
  std::atomic<int64_t> last_delivery_ns{0};
};

class Publishing {
 public:
  Publishing(Context& ctx, Runtime& rt, LoopStats& stats, std::string channel, size_t pad)
      : ctx_(ctx), rt_(rt), stats_(stats), channel_(std::move(channel)), pad_(pad, 'x') {}

  void start(int connections) {
    Loop& loop = rt_.loop(0);
    if (ctx_.protocol == "pusher") {
      http_ = HttpPool::create(loop, ctx_.server, connections, "");
    } else {
      auto proto = ctx_.protocol == "nats" ? RawProtocol::kNats : RawProtocol::kRedis;
      raw_ = std::make_shared<RawPublisher>(proto, channel_, [this](int64_t intended) { acked(intended, true); });
      rt_.on_all([this](Loop& l) {
        if (l.index() == 0) raw_->connect(l, ctx_.server);
      });
    }
  }

  bool ready() const { return http_ || (raw_ && raw_->ready()); }
  size_t backlog() const { return http_ ? http_->backlog() : raw_ ? raw_->backlog() : 0; }

  // On loop 0.
  void publish(int64_t intended) {
    std::string data = marker(intended) + pad_;
    if (raw_) return raw_->publish(intended, data);
    std::string body =
        R"({"name":"bench","channels":[)" + json_quote(channel_) + R"(],"data":)" + json_quote(data) + "}";
    std::string path = "/apps/" + ctx_.app.id + "/events";
    HttpRequest req;
    req.method = "POST";
    req.target = path + "?" + pusher_api_query(ctx_.app, "POST", path, body, unix_seconds());
    req.headers = "Content-Type: application/json\r\n";
    req.body = std::move(body);
    http_->request(std::move(req), [this, intended](const HttpResponse& r, std::string_view error) {
      bool ok = error.empty() && r.status >= 200 && r.status < 300;
      if (!ok && first_error_.empty()) {
        first_error_ = error.empty() ? "publish: HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200)
                                     : "publish: " + std::string(error);
      }
      acked(intended, ok);
    });
  }

  void close() {
    if (http_) http_->close();
    if (raw_) raw_->close();
  }
  std::string first_error_;

 private:
  void acked(int64_t intended, bool ok) {
    if (ok) {
      stats_.publish.record(now_ns() - intended);
      stats_.published.fetch_add(1, std::memory_order_relaxed);
    } else {
      stats_.publish_errors.fetch_add(1, std::memory_order_relaxed);
    }
  }

  Context& ctx_;
  Runtime& rt_;
  LoopStats& stats_;
  std::string channel_;
  std::string pad_;
  std::shared_ptr<HttpPool> http_;
  std::shared_ptr<RawPublisher> raw_;
};

// Open-loop ticker on loop 0: event i is due at t0 + i/rate.
struct Schedule {
  int64_t t0 = 0, end = 0;
  double rate = 0;
  size_t max_backlog = 100000;
  uint64_t sent = 0;  // loop 0 only
  std::atomic<uint64_t> skipped{0};
  std::atomic<size_t> backlog{0};
  std::atomic<bool> finished{false};
};

void tick(Loop& loop, Publishing& pub, Schedule& s) {
  const int64_t now = now_ns();
  // Event i is due at t0 + i/rate, so by time t, floor((t - t0) * rate) + 1 are due.
  const auto due = static_cast<uint64_t>(static_cast<double>(std::min(now, s.end - 1) - s.t0) * s.rate / 1e9) + 1;
  for (; s.sent < due; ++s.sent) {
    const int64_t intended = s.t0 + static_cast<int64_t>(static_cast<double>(s.sent) * 1e9 / s.rate);
    if (pub.backlog() < s.max_backlog) {
      pub.publish(intended);
    } else {
      s.skipped.fetch_add(1, std::memory_order_relaxed);
    }
  }
  s.backlog.store(pub.backlog(), std::memory_order_relaxed);
  if (now >= s.end && s.backlog.load() == 0) {
    s.finished = true;
    return;
  }
  loop.after(1'000'000, [&loop, &pub, &s] { tick(loop, pub, s); });
}

struct Settings {
  size_t subscribers;
  double rate, duration_s, drain_s;
  int connections;
  size_t pad;
  std::string channel;
  int64_t connect_timeout_ns;
  bool announce;  // a stderr line when publishing starts, for profilers (bench/fanout_profile.sh)
};

Settings read_settings(Context& ctx) {
  Settings s;
  s.subscribers = static_cast<size_t>(ctx.opts.integer("subscribers", 100));
  s.rate = ctx.opts.number("rate", 50);
  s.duration_s = ctx.opts.number("duration", 3);
  s.connections = static_cast<int>(ctx.opts.integer("publish-connections", 4));
  s.pad = static_cast<size_t>(ctx.opts.integer("payload", 64));
  s.channel = ctx.opts.str("channel", "bench-fanout");
  s.drain_s = ctx.opts.number("drain", 3);
  s.connect_timeout_ns = static_cast<int64_t>(ctx.opts.number("connect-timeout", 60) * 1e9);
  s.announce = ctx.opts.flag("announce");
  return s;
}

uint64_t total(const std::vector<LoopStats>& stats, std::atomic<uint64_t> LoopStats::*member) {
  uint64_t n = 0;
  for (const auto& s : stats) n += (s.*member).load(std::memory_order_relaxed);
  return n;
}

// Shows progress until publishing has ended and every expected delivery arrived (or the drain
// time ran out).
void wait_for_deliveries(Context& ctx, const std::vector<LoopStats>& stats, const Schedule& schedule, size_t ready,
                         double drain_s) {
  uint64_t last = 0;
  int64_t last_t = now_ns(), drain_deadline = 0;
  for (;;) {
    sleep_ms(100);
    const uint64_t d = total(stats, &LoopStats::deliveries);
    const int64_t t = now_ns();
    if (t - last_t >= 1'000'000'000) {
      const auto per_s = static_cast<uint64_t>(static_cast<double>(d - last) * 1e9 / static_cast<double>(t - last_t));
      ctx.progress.show("fanout: " + std::to_string(ready) + " subscribers, " + std::to_string(per_s) +
                        " deliveries/s, " + std::to_string(total(stats, &LoopStats::published)) + " published");
      last = d;
      last_t = t;
    }
    if (t < schedule.end) continue;
    if (drain_deadline == 0) drain_deadline = t + static_cast<int64_t>(drain_s * 1e9);
    const bool all_in = schedule.finished && d >= total(stats, &LoopStats::published) * ready;
    if (all_in || t >= drain_deadline) break;
  }
  ctx.progress.done();
}

const char* publish_ack(const std::string& protocol) {
  if (protocol == "pusher") return "HTTP 2xx from the events API";
  if (protocol == "redis") return "PUBLISH reply";
  return "none: NATS PUB is not acknowledged (time to hand to the socket)";
}

}  // namespace

int run_fanout(Context& ctx) {
  const Settings cfg = read_settings(ctx);
  if (cfg.rate <= 0) {
    ctx.error("--rate must be positive (open loop)");
    return 2;
  }
  Runtime rt(ctx.threads);
  std::vector<LoopStats> stats(static_cast<size_t>(rt.size()));
  const int64_t rss_before = process_rss_bytes(ctx.server_pid);
  SubscriberSet subs(ctx, rt, cfg.channel);
  subs.on_marker = [&stats](Loop& loop, int64_t marker_ns) {
    auto& s = stats[static_cast<size_t>(loop.index())];
    const int64_t now = now_ns();
    s.delivery.record(now - marker_ns);
    s.deliveries.fetch_add(1, std::memory_order_relaxed);
    s.last_delivery_ns.store(now, std::memory_order_relaxed);
  };
  const int64_t connect_start = now_ns();
  subs.open(cfg.subscribers, cfg.connect_timeout_ns);
  const double connect_s = static_cast<double>(now_ns() - connect_start) / 1e9;
  const size_t ready = subs.ready();
  const int64_t rss_connected = process_rss_bytes(ctx.server_pid);
  if (ready == 0) ctx.error("no subscriber became ready");

  Publishing pub(ctx, rt, stats[0], cfg.channel, cfg.pad);
  pub.start(cfg.connections);
  for (int i = 0; i < 200 && !pub.ready(); ++i) sleep_ms(10);
  Schedule schedule;
  schedule.rate = cfg.rate;
  schedule.t0 = now_ns() + 10'000'000;
  schedule.end = schedule.t0 + static_cast<int64_t>(cfg.duration_s * 1e9);
  if (cfg.announce) ctx.progress.note("fanout: publishing");
  rt.loop(0).at(schedule.t0, [&] { tick(rt.loop(0), pub, schedule); });
  wait_for_deliveries(ctx, stats, schedule, ready, cfg.drain_s);
  const int64_t rss_after = process_rss_bytes(ctx.server_pid);
  rt.stop();
  pub.close();

  Histogram delivery, publish;
  int64_t last_delivery = schedule.t0 + 1;
  for (auto& s : stats) {
    delivery.merge(s.delivery);
    publish.merge(s.publish);
    last_delivery = std::max(last_delivery, s.last_delivery_ns.load());
  }
  const uint64_t deliveries = total(stats, &LoopStats::deliveries);
  const uint64_t published = total(stats, &LoopStats::published);
  // Deliveries/s from the first intended publish to the last delivery.
  const double window_s = static_cast<double>(last_delivery - schedule.t0) / 1e9;
  if (!pub.first_error_.empty()) ctx.error(pub.first_error_);
  ctx.results = {
      {"protocol", ctx.protocol},
      {"subscribers_requested", cfg.subscribers},
      {"subscribers_ready", ready},
      {"subscriber_failures", subs.failures()},
      {"subscribers_dropped", subs.closed_after_ready()},
      {"connect_seconds", connect_s},
      {"offered_publish_rate", cfg.rate},
      {"duration_s", cfg.duration_s},
      {"publishes_sent", schedule.sent - schedule.skipped.load()},
      {"publishes_ok", published},
      {"publish_errors", total(stats, &LoopStats::publish_errors)},
      {"publishes_skipped_backlog", schedule.skipped.load()},
      {"deliveries", deliveries},
      {"deliveries_expected", published * ready},
      {"deliveries_per_s", static_cast<double>(deliveries) / window_s},
      {"offered_deliveries_per_s", cfg.rate * static_cast<double>(ready)},
      {"delivery_latency", histogram_json(delivery)},
      {"publish_latency", histogram_json(publish)},
      {"publish_ack", publish_ack(ctx.protocol)},
      {"server_rss_before_bytes", rss_before},
      {"server_rss_connected_bytes", rss_connected},
      {"server_rss_after_bytes", rss_after},
  };
  subs.clear();
  return ready == 0 ? 1 : 0;
}

}  // namespace headroom::bench
