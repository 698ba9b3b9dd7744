#pragma once
// The one place where Headroom's backends are chosen (docs/architecture.md, "backends"): the change
// bus every committed change travels, the channels' broker/state/history/limiter store, and the
// cache's cross-instance invalidation. A single node gets the in-memory ones; cluster mode
// (DESIGN.md §7: cluster.redis_url, storage.driver) selects shared implementations here, and the
// modules, which see only the interfaces, do not change.
#include <memory>

#include "cache/invalidation.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "pusher/backends.hpp"
#include "storage/change_bus.hpp"

namespace headroom::app {

struct Backends {
  storage::ChangeBus changes;
  std::unique_ptr<pusher::InMemoryChannelBackends> channels;
  std::shared_ptr<cache::Invalidation> cache_peers;
};

// Throws (a config error) when the config asks for a backend this build cannot provide.
std::unique_ptr<Backends> open_backends(const config::Config& config, Clock& clock);

}  // namespace headroom::app
