// install_documents: the document API's one entry point for the composition root.
#include "docs/documents.hpp"
#include "docs/storage_metrics.hpp"
#include "server/module_context.hpp"

namespace headroom::docs {

std::shared_ptr<Documents> install_documents(server::ModuleContext& ctx, std::unique_ptr<storage::Store> store,
                                             storage::ChangeBus& changes) {
  auto docs = std::make_shared<Documents>(ctx.config, ctx.clock, ctx.metrics, std::move(store));
  docs->quotas().load();
  docs->add_routes(ctx.router);
  // The store calls this once per change, after it is durable and before the write is
  // acknowledged: the bus's subscribers (cache, db-* feeds) see it first.
  docs->on_change([&changes](const storage::Change& c) { changes.publish(c); });
  changes.set_log([weak = std::weak_ptr(docs)](const std::string& app, const std::string& col, int64_t after, int limit,
                                               storage::ChangeBus::ReadDone done) {
    auto d = weak.lock();
    if (!d) return done(Status(Code::kUnavailable, "shutting down"));
    d->read_changes(app, col, after, limit, std::move(done));
  });
  docs->start_flushing(ctx.executor);
  ctx.hooks.add_request_filter([docs](http::Request& req) -> std::optional<http::Response> {
    docs->identify(req);
    return std::nullopt;
  });
  ctx.hooks.add_readiness_check("storage", [docs] { return docs->store().health(); });
  ctx.metrics.add_collector([docs](metrics::Writer& w) {
    std::vector<std::string> apps;  // the current apps: a reload may add or remove some
    for (const auto& a : docs->config().apps) apps.push_back(a.id);
    docs->quotas().collect(w, apps);
    write_storage_metrics(docs->store(), w);
  });
  ctx.hooks.on_reload([weak = std::weak_ptr(docs)](const config::Config& next) {
    if (auto d = weak.lock()) d->reload(next);
  });
  ctx.hooks.on_stop([docs] { docs->close(); });
  return docs;
}

}  // namespace headroom::docs
