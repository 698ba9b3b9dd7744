#pragma once
// install_pusher: the channels module's one entry point for the composition root. Registers the
// WebSocket endpoint /app/{key}, the Pusher HTTP API, webhooks, metrics and the drain hook.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "pusher/change_log.hpp"
#include "server/module_context.hpp"

namespace headroom::pusher {

struct PusherModule;
struct PusherModuleDeleter {
  void operator()(PusherModule* m) const;
};
using PusherModuleHandle = std::unique_ptr<PusherModule, PusherModuleDeleter>;

PusherModuleHandle install_pusher(server::ModuleContext& ctx);

// Failed HTTP API signatures are reported to `sink` (e.g. the abuse monitor); set before serving.
void set_security_sink(PusherModule& module, std::function<void(const http::Request&, std::string_view signal)> sink);
// Signed-in users' activity (pusher:signin, then each message they send) goes to `sink`, e.g. the
// active-users count; set before serving.
void set_user_seen_sink(PusherModule& module, std::function<void(std::string_view user_id)> sink);

// Feeds committed document changes to the db-{collection} channels: give it to the documents
// module's change listener (any thread; it keeps the channel state alive on its own).
// kind: "added" | "modified" | "removed".
using DocumentChangeSink =
    std::function<void(const std::string& app_id, const std::string& collection, int64_t seq, std::string_view kind,
                       const std::string& id, const std::string& doc_json)>;
DocumentChangeSink document_change_sink(PusherModule& module);

// Where `since` on db-* subscriptions reads missed changes (the documents module's change log).
// Set once, before serving.
void set_change_log(PusherModule& module, ChangeLogReader reader);

}  // namespace headroom::pusher
