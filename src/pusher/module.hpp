#pragma once
// install_pusher: the channels module's one entry point for the composition root. Registers the
// WebSocket endpoint /app/{key}, the Pusher HTTP API, webhooks, metrics and the drain hook.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/module_context.hpp"

namespace headroom::pusher {

struct PusherModule;
struct PusherModuleDeleter {
  void operator()(PusherModule* m) const;
};
using PusherModuleHandle = std::unique_ptr<PusherModule, PusherModuleDeleter>;

PusherModuleHandle install_pusher(server::ModuleContext& ctx);

// Feeds a committed document change to the db-{collection} channels (call from the documents
// module's change listener, any thread). kind: "added" | "modified" | "removed".
void publish_document_change(PusherModule& module, const std::string& app_id, const std::string& collection,
                             int64_t seq, std::string_view kind, const std::string& id, const std::string& doc_json);

}  // namespace headroom::pusher
