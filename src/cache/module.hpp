#pragma once
// The cache module as the server sees it: one DocumentCache for the documents module, its metrics,
// GET /v1/apps/{app_id}/cache/stats, and the warm-restart file written at shutdown.
#include <memory>
#include <string>

#include "cache/document_cache.hpp"
#include "cache/invalidation.hpp"
#include "storage/change_bus.hpp"

namespace headroom::server {
struct ModuleContext;
}

namespace headroom::cache {

// <data.dir>/cache-hot-keys.tsv: written on stop, read by whoever refills at start.
std::string hot_keys_path(const config::Config& config);
constexpr size_t kHotKeysSaved = 1000;

// Creates the cache, registers metrics, the stats route and the on-stop save, and follows the
// change bus: every committed change (single write, batch, or — in a cluster — another node's)
// drops its document and its collection's cached queries, on the committing thread before the
// write is acknowledged. `peers` carries invalidations to other instances (the composition root
// chooses it). The documents module gets the returned cache from the composition root.
std::shared_ptr<DocumentCache> install_cache(server::ModuleContext& ctx, storage::ChangeBus& changes,
                                             std::shared_ptr<Invalidation> peers);

}  // namespace headroom::cache
