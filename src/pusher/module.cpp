#include "pusher/module.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "pusher/http_api.hpp"
#include "pusher/hub.hpp"
#include "pusher/session.hpp"
#include "pusher/stats.hpp"
#include "pusher/webhooks.hpp"
#include "pusher/ws_connection.hpp"

namespace headroom::pusher {

struct PusherModule {
  PusherModule(server::ModuleContext& ctx, ChannelBackends backends)
      : stats(ctx.metrics),
        webhooks(std::make_shared<Webhooks>(ctx.config, ctx.clock, ctx.executor, ctx.http_client, stats)),
        hub(std::make_shared<Hub>(ctx.config, ctx.clock, stats, backends, webhooks)) {}
  Stats stats;
  std::shared_ptr<Webhooks> webhooks;
  std::shared_ptr<Hub> hub;
};

void PusherModuleDeleter::operator()(PusherModule* m) const { delete m; }

void set_security_sink(PusherModule& module, std::function<void(const http::Request&, std::string_view)> sink) {
  module.hub->set_security_sink(std::move(sink));
}

void set_user_seen_sink(PusherModule& module, std::function<void(std::string_view)> sink) {
  module.hub->set_user_seen_sink(std::move(sink));
}

PusherModuleHandle install_pusher(server::ModuleContext& ctx, ChannelBackends backends) {
  PusherModuleHandle module(new PusherModule(ctx, backends));
  auto hub = module->hub;
  register_websocket_endpoint(ctx.websockets, hub);
  register_http_api(ctx.router, hub);
  std::weak_ptr<Hub> weak = hub;
  // Every committed change, on the committing (store) thread: frames are built there and posted
  // to the loops, so the acknowledgement waits only for that.
  backends.changes.subscribe([weak](const storage::Change& c) {
    if (auto h = weak.lock()) h->fanout().publish_document_change(c);
  });
  ctx.metrics.add_collector([weak](metrics::Writer& w) {
    auto h = weak.lock();
    if (!h) return;
    w.family("headroom_channels", "gauge", "Occupied channels");
    w.sample("headroom_channels", {}, static_cast<double>(h->state().channel_count()));
    w.family("headroom_channel_subscriptions", "gauge", "Channel subscriptions over all connections");
    w.sample("headroom_channel_subscriptions", {}, static_cast<double>(h->state().subscription_count()));
  });
  ctx.hooks.on_reload([weak](const config::Config& next) {
    if (auto h = weak.lock()) h->reload(next);
  });
  // Runs on the thread that drains (not a loop): waits, bounded, until the close frames are out and
  // the clients have closed, so they see 4200 rather than a dropped connection.
  const int wait_ms = std::min(3000, ctx.config.server.shutdown_grace_ms / 2);
  ctx.hooks.on_drain([weak, wait_ms] {
    auto h = weak.lock();
    if (!h) return;
    h->admission().set_draining();
    h->close_all(kErrorReconnect, "Server shutting down: reconnect");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (h->admission().connections() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  return module;
}

}  // namespace headroom::pusher
