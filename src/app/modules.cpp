// The composition root for feature modules: one line per module, in dependency order.
#include "app/modules.hpp"

#include "app/backends.hpp"
#include "cache/module.hpp"
#include "docs/documents.hpp"
#include "observe/active_users.hpp"
#include "observe/observe_module.hpp"
#include "ops/module.hpp"
#include "plan/capacity_plan.hpp"
#include "pusher/module.hpp"
#include "ratelimit/module.hpp"

namespace headroom::app {

struct Modules {
  // Declared first, destroyed last: every module holds references into it.
  std::unique_ptr<Backends> backends;
  // Feature modules add their owning members here.
  std::shared_ptr<cache::DocumentCache> cache;
  std::shared_ptr<docs::Documents> documents;
  std::shared_ptr<ratelimit::RateLimitModule> limits;
  pusher::PusherModuleHandle pusher;
  std::unique_ptr<observe::ObserveModule> observe;
  std::unique_ptr<ops::OpsModule> ops;  // scheduled backups, /v1/admin/backups
};

void ModulesDeleter::operator()(Modules* m) const { delete m; }

ModulesHandle install_modules(server::ModuleContext& ctx) {
  ModulesHandle modules(new Modules);
  modules->backends = open_backends(ctx.config, ctx.clock);
  storage::ChangeBus& changes = modules->backends->changes;
  // The change bus's subscribers in the order they see a change: cache first (it drops the entry),
  // then the db-* feeds.
  modules->cache = cache::install_cache(ctx, changes, modules->backends->cache_peers);  // before documents
  // Sets req.tier/subject from bearer tokens; publishes on the bus and serves its replays.
  modules->documents = docs::install_documents(ctx, std::move(modules->backends->store), changes);
  modules->documents->set_cache(modules->cache);
  modules->documents->warm_cache(cache::hot_keys_path(ctx.config));
  modules->pusher = pusher::install_pusher(ctx, modules->backends->channels->refs());
  // Rate limits run after the filters that identify the caller (tier, subject): keep this line
  // below the documents/auth module's.
  modules->limits = ratelimit::install_ratelimit(ctx);
  // Cross-module callbacks hold weak references, so no two modules keep each other alive.
  // Failed Pusher signatures count towards the caller's security-incident state and ban.
  pusher::set_security_sink(*modules->pusher,
                            [weak = std::weak_ptr(modules->limits)](const http::Request& req, std::string_view) {
                              auto limits = weak.lock();
                              if (!limits) return;
                              limits->abuse().record(limits->caller_key(req, {}), ratelimit::Signal::kBadSignature);
                            });
  // Last: its request filter counts active users by the req.subject the filters above set.
  modules->observe = observe::install_observe(ctx);
  // Users signed in over WebSocket are active users too, keyed like JWT subjects.
  pusher::set_user_seen_sink(*modules->pusher, modules->observe->user_seen_fn());
  // The dashboard's cost estimate (src/plan) for the users active now; the section lives in the
  // observe module's state, as does the counter it reads.
  modules->observe->add_overview_section(
      "cost", [&users = modules->observe->active_users()] { return plan::dashboard_rows_json(users.estimate()); });
  modules->ops = ops::install_ops(ctx, modules->backends->maintenance);
  return modules;
}

}  // namespace headroom::app
