#pragma once
// install_pusher: the channels module's one entry point for the composition root. Registers the
// WebSocket endpoint /app/{key}, the Pusher HTTP API, webhooks, metrics and the drain hook, and
// follows the change bus for the db-* feeds.
#include <functional>
#include <memory>
#include <string_view>

#include "pusher/backends.hpp"
#include "server/module_context.hpp"

namespace headroom::pusher {

struct PusherModule;
struct PusherModuleDeleter {
  void operator()(PusherModule* m) const;
};
using PusherModuleHandle = std::unique_ptr<PusherModule, PusherModuleDeleter>;

// The backends (chosen by the composition root) must outlive the module.
PusherModuleHandle install_pusher(server::ModuleContext& ctx, ChannelBackends backends);

// Failed HTTP API signatures are reported to `sink` (e.g. the abuse monitor); set before serving.
void set_security_sink(PusherModule& module, std::function<void(const http::Request&, std::string_view signal)> sink);
// Signed-in users' activity (pusher:signin, then each message they send) goes to `sink`, e.g. the
// active-users count; set before serving.
void set_user_seen_sink(PusherModule& module, std::function<void(std::string_view user_id)> sink);

}  // namespace headroom::pusher
