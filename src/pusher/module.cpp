#include "pusher/module.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "channels/broker.hpp"
#include "pusher/http_api.hpp"
#include "pusher/hub.hpp"
#include "pusher/session.hpp"
#include "pusher/stats.hpp"
#include "pusher/webhooks.hpp"
#include "pusher/ws_connection.hpp"

namespace headroom::pusher {

struct PusherModule {
  explicit PusherModule(server::ModuleContext& ctx)
      : stats(ctx.metrics),
        webhooks(std::make_shared<Webhooks>(ctx.config, ctx.clock, ctx.executor, ctx.http_client, stats)),
        hub(std::make_shared<Hub>(ctx.config, ctx.clock, stats, broker, webhooks)) {}
  Stats stats;
  channels::InProcessBroker broker;
  std::shared_ptr<Webhooks> webhooks;
  std::shared_ptr<Hub> hub;
};

void PusherModuleDeleter::operator()(PusherModule* m) const { delete m; }

DocumentChangeSink document_change_sink(PusherModule& module) {
  return [hub = module.hub](const std::string& app_id, const std::string& collection, int64_t seq,
                            std::string_view kind, const std::string& id, const std::string& doc_json) {
    hub->publish_document_change(app_id, collection, seq, kind, id, doc_json);
  };
}

void set_security_sink(PusherModule& module, std::function<void(const http::Request&, std::string_view)> sink) {
  module.hub->set_security_sink(std::move(sink));
}

void set_user_seen_sink(PusherModule& module, std::function<void(std::string_view)> sink) {
  module.hub->set_user_seen_sink(std::move(sink));
}

void set_change_log(PusherModule& module, ChangeLogReader reader) { module.hub->set_change_log(std::move(reader)); }

PusherModuleHandle install_pusher(server::ModuleContext& ctx) {
  PusherModuleHandle module(new PusherModule(ctx));
  auto hub = module->hub;
  register_websocket_endpoint(ctx.websockets, hub);
  register_http_api(ctx.router, hub);
  std::weak_ptr<Hub> weak = hub;
  ctx.metrics.add_collector([weak](observe::Writer& w) {
    auto h = weak.lock();
    if (!h) return;
    w.family("headroom_channels", "gauge", "Occupied channels");
    w.sample("headroom_channels", {}, static_cast<double>(h->directory().channel_count()));
    w.family("headroom_channel_subscriptions", "gauge", "Channel subscriptions over all connections");
    w.sample("headroom_channel_subscriptions", {}, static_cast<double>(h->directory().subscription_count()));
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
    h->set_draining();
    h->close_all(kErrorReconnect, "Server shutting down: reconnect");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (h->connections() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  return module;
}

}  // namespace headroom::pusher
