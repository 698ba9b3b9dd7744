#pragma once
// The document API module (DESIGN.md §2): routes under /v1/apps/{app_id}/…, access rules, quotas,
// and the change feed other modules (db-* channels) subscribe to. Handlers parse and check on the
// network thread, then hand the work to the Store, whose threads answer through the Responder.
#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "cache/document_cache.hpp"
#include "core/executor.hpp"
#include "docs/access.hpp"
#include "docs/quotas.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"
#include "storage/change_bus.hpp"
#include "storage/store.hpp"

namespace headroom::server {
struct ModuleContext;
}

namespace headroom::docs {

class Documents {
 public:
  Documents(const config::Config& config, Clock& clock, metrics::Registry& metrics,
            std::unique_ptr<storage::Store> store);
  Documents(const Documents&) = delete;
  Documents& operator=(const Documents&) = delete;
  ~Documents();

  void add_routes(http::Router& router);
  // SIGHUP: apps (added, removed, secrets for tokens) and their collection rules apply to the next
  // request. `next` must outlive this (the server keeps every loaded config). Any thread.
  void reload(const config::Config& next) { config_.store(&next, std::memory_order_release); }
  // The current config snapshot (read it once per request).
  const config::Config& config() const { return *config_.load(std::memory_order_acquire); }
  // Request filter: fills req.tier / req.subject from a valid bearer token on /v1/apps/{id}/ paths.
  void identify(http::Request& req) const;

  // ---- change feed (for the channels module) ----
  // Changes of app/collection with seq > after_seq, oldest first, at most `limit`.
  void read_changes(const std::string& app, const std::string& collection, int64_t after_seq, int limit,
                    storage::Callback<std::vector<storage::Change>> done);
  // Called on a store thread once each commit is durable, once per change, in seq order.
  void on_change(storage::Store::ChangeListener fn);
  // Whether `caller` may see a document of `collection` owned by `owner` (the read rule).
  bool may_read(const std::string& app, const std::string& collection, const Caller& caller,
                std::string_view owner) const;

  storage::Store& store() { return *store_; }
  Quotas& quotas() { return quotas_; }
  void flush();                             // persist quota counters
  void start_flushing(Executor& executor);  // flush every few seconds
  void close();                             // flush and close the store (on_stop)
  // Serve GETs of documents in non-owner-only collections from `cache`; writes invalidate it
  // before they are acknowledged. Set once, before serving.
  void set_cache(std::shared_ptr<cache::DocumentCache> cache) { cache_ = std::move(cache); }
  // Warm restart: refills the cache with the documents listed in `hot_keys_file` (written by the
  // cache at the last shutdown) on the store's threads; returns at once. Queries are not refilled.
  void warm_cache(const std::string& hot_keys_file);

  struct Target;

 private:
  void get_doc(http::Request& req, http::Responder respond);
  void put_doc(http::Request& req, http::Responder respond, bool server_id);
  void patch_doc(http::Request& req, http::Responder respond);
  void delete_doc(http::Request& req, http::Responder respond);
  void list_docs(http::Request& req, http::Responder respond);
  void query_docs(http::Request& req, http::Responder respond);
  void run_query(const Target& t, storage::Query q, bool explain, http::Responder respond);
  void batch(http::Request& req, http::Responder respond);
  void get_indexes(http::Request& req, http::Responder respond);
  void post_index(http::Request& req, http::Responder respond);
  void delete_index(http::Request& req, http::Responder respond);
  void usage(http::Request& req, http::Responder respond);  // usage_routes.cpp
  void write_one(const Target& t, storage::WriteOp op, Quotas::Kind kind, http::Responder respond);

  // Resolves app, collection, caller and rule; answers the error itself and returns nullopt.
  std::optional<Target> prelude(http::Request& req, const http::Responder& respond, bool write, bool collection = true);
  bool index_admin(const http::Request& req, const config::AppConfig& app, const http::Responder& respond) const;
  void count(int op, bool ok);

  std::atomic<const config::Config*> config_;  // immutable snapshot, swapped by reload
  Clock& clock_;
  std::unique_ptr<storage::Store> store_;
  Quotas quotas_;
  std::array<metrics::Counter*, 16> ops_{};
  PeriodicTask flush_task_;
  std::shared_ptr<cache::DocumentCache> cache_;  // may be null
};

// Serves the document API from `store` (opened by the composition root: app/backends.hpp):
// registers routes, the identity filter, readiness, metrics and shutdown hooks, publishes every
// committed change on `changes` and serves its replays from the store's change log. `changes` must
// outlive the module.
std::shared_ptr<Documents> install_documents(server::ModuleContext& ctx, std::unique_ptr<storage::Store> store,
                                             storage::ChangeBus& changes);

}  // namespace headroom::docs
