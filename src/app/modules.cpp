// The composition root for feature modules: one line per module, in dependency order.
#include "app/modules.hpp"

#include "cache/module.hpp"
#include "ratelimit/module.hpp"

namespace headroom::app {

struct Modules {
  // Feature modules add their owning members here.
  std::shared_ptr<cache::DocumentCache> cache;
  std::shared_ptr<ratelimit::RateLimitModule> limits;
};

void ModulesDeleter::operator()(Modules* m) const { delete m; }

ModulesHandle install_modules(server::ModuleContext& ctx) {
  ModulesHandle modules(new Modules);
  modules->cache = cache::install_cache(ctx);  // before documents, which read through it
  // Rate limits run after the filters that identify the caller (tier, subject): keep this line
  // below the documents/auth module's.
  modules->limits = ratelimit::install_ratelimit(ctx);
  return modules;
}

}  // namespace headroom::app
