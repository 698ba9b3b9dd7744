#pragma once
// The one place where Headroom's backends are chosen (docs/architecture.md, "Backends"): the
// document store and its maintenance side (backups, restore, replay, export/import), the change bus
// every committed change travels, the channels' broker/state/history/limiter store, and the cache's
// cross-instance invalidation. A single node gets SQLite and the in-memory ones; cluster mode
// (DESIGN.md §7: storage.driver, cluster.redis_url) selects shared implementations here, and the
// modules, which see only the interfaces, do not change. Startup code: throws with a message a
// person can act on.
#include <memory>

#include "cache/invalidation.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "pusher/backends.hpp"
#include "storage/change_bus.hpp"
#include "storage/maintenance.hpp"
#include "storage/store.hpp"

namespace headroom::app {

// The live document store the server serves (SQLite: <data.dir>/headroom.db, created with its
// directory when missing).
std::unique_ptr<storage::Store> open_document_store(const config::Config& config, Clock& clock);

// The driver's maintenance side for backups, verify, restore, replay and export/import (src/ops);
// also used by the CLI commands, which run without a server.
std::shared_ptr<storage::Maintenance> open_maintenance(const config::Config& config);

// Everything a serving node runs on; the modules hold references into it, so it outlives them.
struct Backends {
  std::unique_ptr<storage::Store> store;  // handed to the documents module at install
  std::shared_ptr<storage::Maintenance> maintenance;
  storage::ChangeBus changes;
  std::unique_ptr<pusher::InMemoryChannelBackends> channels;
  std::shared_ptr<cache::Invalidation> cache_peers;
};

std::unique_ptr<Backends> open_backends(const config::Config& config, Clock& clock);

}  // namespace headroom::app
