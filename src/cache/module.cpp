#include "cache/module.hpp"

#include "core/log.hpp"
#include "http/bearer.hpp"
#include "server/module_context.hpp"

namespace headroom::cache {

namespace {

bool may_read_stats(const http::Request& req, const config::Config& config) {
  return req.tier == http::Tier::kServer || http::has_admin_token(req, config.admin.token);
}

}  // namespace

std::string hot_keys_path(const config::Config& config) { return config.data.dir + "/cache-hot-keys.tsv"; }

std::shared_ptr<DocumentCache> install_cache(server::ModuleContext& ctx, storage::ChangeBus& changes,
                                             std::shared_ptr<Invalidation> peers) {
  auto cache = std::make_shared<DocumentCache>(ctx.config.cache, ctx.clock, std::move(peers));
  cache->register_metrics(ctx.metrics);
  changes.subscribe([weak = std::weak_ptr(cache)](const storage::Change& c) {
    if (auto cache = weak.lock()) cache->invalidate_doc(c.app, c.collection, c.id);
  });
  const config::Config& config = ctx.config;
  ctx.router.add(
      http::Method::kGet, "/v1/apps/{app_id}/cache/stats",
      [cache, &config](http::Request& req, http::Responder respond) {
        if (!may_read_stats(req, config)) {
          return respond(http::error_response(Code::kPermissionDenied, "cache stats need a server token"));
        }
        respond(http::json_response(200, cache->stats_json(req.param("app_id"))));
      },
      http::RouteOptions{true, "/v1/apps/{app_id}/cache/stats"});
  ctx.hooks.on_stop([cache, path = hot_keys_path(config)] {
    if (!cache->enabled()) return;
    if (Status s = cache->save_hot_keys(path, kHotKeysSaved); !s) {
      spdlog::warn("cache: warm-restart keys not saved: {}", s.message());
    }
  });
  return cache;
}

}  // namespace headroom::cache
