// install_documents: the document API's one entry point for the composition root.
#include <filesystem>
#include <stdexcept>

#include "docs/documents.hpp"
#include "docs/storage_metrics.hpp"
#include "server/module_context.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace headroom::docs {

std::shared_ptr<Documents> install_documents(server::ModuleContext& ctx, storage::ChangeBus& changes) {
  std::filesystem::create_directories(ctx.config.data.dir);
  storage::sqlite::SqliteOptions opt;
  opt.path = (std::filesystem::path(ctx.config.data.dir) / "headroom.db").string();
  opt.clock = &ctx.clock;
  opt.change_retention_ms = int64_t{ctx.config.data.change_log_retention_hours} * 3600 * 1000;
  auto opened = storage::sqlite::SqliteStore::open(opt);
  if (!opened) throw std::runtime_error("documents: " + opened.status().message());
  storage::sqlite::SqliteStore* sqlite = opened->get();
  auto docs = std::make_shared<Documents>(ctx.config, ctx.clock, ctx.metrics, std::move(*opened));
  docs->quotas().load();
  docs->add_routes(ctx.router);
  // The store calls this once per change, after it is durable and before the write is
  // acknowledged: the bus's subscribers (cache, db-* feeds) see it first.
  docs->on_change([&changes](const storage::Change& c) { changes.publish(c); });
  changes.set_log([weak = std::weak_ptr(docs)](const std::string& app, const std::string& col, int64_t after,
                                               int limit, storage::ChangeBus::ReadDone done) {
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
  ctx.metrics.add_collector([docs, sqlite](observe::Writer& w) {
    std::vector<std::string> apps;  // the current apps: a reload may add or remove some
    for (const auto& a : docs->config().apps) apps.push_back(a.id);
    docs->quotas().collect(w, apps);
    write_storage_metrics(*sqlite, w);
  });
  ctx.hooks.on_reload([weak = std::weak_ptr(docs)](const config::Config& next) {
    if (auto d = weak.lock()) d->reload(next);
  });
  ctx.hooks.on_stop([docs] { docs->close(); });
  return docs;
}

}  // namespace headroom::docs
