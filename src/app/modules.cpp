// The composition root for feature modules: one line per module, in dependency order.
#include "app/modules.hpp"

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
  modules->cache = cache::install_cache(ctx);         // before documents, which read through it
  modules->documents = docs::install_documents(ctx, open_document_store(ctx.config, ctx.clock));  // sets tier/subject
  modules->documents->set_cache(modules->cache);
  modules->documents->warm_cache(cache::hot_keys_path(ctx.config));
  modules->pusher = pusher::install_pusher(ctx);
  modules->documents->on_change([sink = pusher::document_change_sink(*modules->pusher)](const storage::Change& c) {
    sink(c.app, c.collection, c.seq, storage::change_kind_name(c.kind), c.id, c.doc_json);
  });
  // Cross-module callbacks hold weak references: the documents module already reaches the pusher
  // through its change listener, so a strong one back would keep both alive forever.
  pusher::set_change_log(
      *modules->pusher, [weak = std::weak_ptr(modules->documents)](const std::string& app, const std::string& col,
                                                                   int64_t after, int limit, auto done) {
        auto docs = weak.lock();
        if (!docs) return done(Status(Code::kUnavailable, "shutting down"));
        docs->read_changes(app, col, after, limit, [done = std::move(done)](Result<std::vector<storage::Change>> r) {
          if (!r) return done(r.status());
          std::vector<pusher::LoggedChange> out;
          for (auto& c : *r) out.push_back({c.seq, std::string(storage::change_kind_name(c.kind)), c.id, c.doc_json});
          done(std::move(out));
        });
      });
  // Rate limits run after the filters that identify the caller (tier, subject): keep this line
  // below the documents/auth module's.
  modules->limits = ratelimit::install_ratelimit(ctx);
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
  modules->ops = ops::install_ops(ctx);
  return modules;
}

}  // namespace headroom::app
