#pragma once
// install_pusher: the channels module's one entry point for the composition root. Registers the
// WebSocket endpoint /app/{key}, the Pusher HTTP API, webhooks, metrics and the drain hook.
#include <memory>

#include "server/module_context.hpp"

namespace headroom::pusher {

struct PusherModule;
struct PusherModuleDeleter {
  void operator()(PusherModule* m) const;
};
using PusherModuleHandle = std::unique_ptr<PusherModule, PusherModuleDeleter>;

PusherModuleHandle install_pusher(server::ModuleContext& ctx);

}  // namespace headroom::pusher
