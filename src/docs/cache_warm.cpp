// Warm restart of the document cache: the hottest keys saved at the last shutdown are read back and
// their documents loaded through the store's reader threads, so a deploy does not start cold.
#include <spdlog/spdlog.h>

#include "docs/internal.hpp"

namespace headroom::docs {

void Documents::warm_cache(const std::string& hot_keys_file) {
  if (!cache_ || !cache_->enabled()) return;
  auto entries = cache::DocumentCache::load_hot_keys(hot_keys_file);
  if (!entries) return;  // first start, or nothing saved
  size_t queued = 0;
  for (const auto& e : *entries) {
    const config::AppConfig* app = config().app_by_id(e.app);
    if (e.kind != cache::HotEntry::Kind::kDoc || app == nullptr) continue;
    if (config().rules_for(*app, e.collection).read == "owner") continue;  // never cached
    const cache::Ticket ticket = cache_->begin_read();
    store_->get(e.app, e.collection, e.id_or_query,
                [cache = cache_, e, ticket](Result<std::optional<storage::Document>> r) {
                  if (r && r->has_value())
                    (void)cache->fill_doc(e.app, e.collection, e.id_or_query, ticket, cached_doc(**r));
                });
    ++queued;
  }
  spdlog::info("cache: warming {} documents from {}", queued, hot_keys_file);
}

}  // namespace headroom::docs
