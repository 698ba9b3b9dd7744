// The composition root for feature modules: one line per module, in dependency order.
#include "app/modules.hpp"

namespace headroom::app {

struct Modules {
  // Feature modules add their owning members here.
};

void ModulesDeleter::operator()(Modules* m) const { delete m; }

ModulesHandle install_modules(server::ModuleContext& ctx) {
  ModulesHandle modules(new Modules);
  (void)ctx;
  return modules;
}

}  // namespace headroom::app
