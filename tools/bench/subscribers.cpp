#include "subscribers.hpp"

#include <mutex>

namespace headroom::bench {

SubscriberSet::SubscriberSet(Context& ctx, Runtime& rt, std::string channel)
    : ctx_(ctx), rt_(rt), channel_(std::move(channel)), loop_connect_(static_cast<size_t>(rt.size())) {
  pusher_events_.on_connected = [this](PusherClient& c) {
    if (channel_.empty()) return became_ready(*c.loop(), c.started_ns);
    c.subscribe(channel_);
  };
  pusher_events_.on_subscribed = [this](PusherClient& c, std::string_view) { became_ready(*c.loop(), c.started_ns); };
  pusher_events_.on_event = [this](PusherClient& c, std::string_view text) {
    if (!on_marker) return;
    for_each_marker(text, [&](int64_t v) { on_marker(*c.loop(), v); });
  };
  pusher_events_.on_error = [this](PusherClient& c, std::string_view error) {
    if (!first_error_logged_.exchange(true)) ctx_.progress.note("subscriber error: " + std::string(error));
    if (!c.connected()) return;
    c.close();
  };
  pusher_events_.on_closed = [this](PusherClient& c, std::string_view reason) { failed(reason, c.pending < 0); };
  raw_events_.on_subscribed = [this](RawSubscriber& c) { became_ready(*c.loop(), c.started_ns); };
  raw_events_.on_marker = [this](RawSubscriber& c, int64_t v) {
    if (on_marker) on_marker(*c.loop(), v);
  };
  raw_events_.on_closed = [this](RawSubscriber& c, std::string_view reason) { failed(reason, c.subscribed()); };
}

SubscriberSet::~SubscriberSet() = default;

void SubscriberSet::became_ready(Loop& loop, int64_t started_ns) {
  loop_connect_[static_cast<size_t>(loop.index())].record(now_ns() - started_ns);
  ready_.fetch_add(1);
}

void SubscriberSet::failed(std::string_view reason, bool was_ready) {
  if (was_ready) {
    dropped_.fetch_add(1);
  } else {
    failed_.fetch_add(1);
  }
  if (!first_error_logged_.exchange(true)) ctx_.progress.note("connection closed: " + std::string(reason));
}

void SubscriberSet::start_one(size_t id) {
  Loop& loop = rt_.loop(static_cast<int>(id % static_cast<size_t>(rt_.size())));
  const std::string source = source_address(id, ctx_.sources);
  if (ctx_.protocol == "pusher") {
    auto c = std::make_shared<PusherClient>(ctx_.app, pusher_events_, id);
    clients_.push_back(c);
    loop.post([c, &loop, this, source] {
      c->started_ns = now_ns();
      c->connect(loop, ctx_.server, source);
    });
  } else {
    auto proto = ctx_.protocol == "nats" ? RawProtocol::kNats : RawProtocol::kRedis;
    auto c = std::make_shared<RawSubscriber>(proto, channel_.empty() ? "bench-idle" : channel_, raw_events_, id);
    clients_.push_back(c);
    loop.post([c, &loop, this, source] {
      c->started_ns = now_ns();
      c->connect(loop, ctx_.server, source);
    });
  }
}

void SubscriberSet::open(size_t n, int64_t timeout_ns) {
  const auto concurrency = static_cast<size_t>(ctx_.opts.integer("connect-concurrency", 256));
  const size_t first = clients_.size(), target = first + n;
  clients_.reserve(target);
  const int64_t deadline = now_ns() + timeout_ns;
  int64_t last_show = 0;
  while (now_ns() < deadline) {
    const size_t done = ready_.load() + failed_.load();
    while (clients_.size() < target && clients_.size() - first < (done > first ? done - first : 0) + concurrency) {
      start_one(clients_.size());
    }
    if (done >= target) break;
    if (now_ns() - last_show > 250'000'000) {
      ctx_.progress.show("connecting: " + std::to_string(ready_.load()) + "/" + std::to_string(target) + " ready, " +
                         std::to_string(failed_.load()) + " failed");
      last_show = now_ns();
    }
    sleep_ms(2);
  }
  // Mark ready Pusher clients so a later close counts as a drop, not a failed connect.
  std::mutex merge;
  rt_.on_all([this, &merge](Loop& loop) {
    for (auto& h : clients_) {
      if (auto* p = dynamic_cast<PusherClient*>(h.get()); p && p->loop() == &loop && p->connected()) p->pending = -1;
    }
    std::lock_guard lock(merge);
    connect_latency_.merge(loop_connect_[static_cast<size_t>(loop.index())]);
    loop_connect_[static_cast<size_t>(loop.index())].reset();
  });
  ctx_.progress.done();
}

}  // namespace headroom::bench
