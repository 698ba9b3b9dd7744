#pragma once
#include "app/backends.hpp"  // the storage implementations the modules are given
#include "server/module_context.hpp"

namespace headroom::app {

// Installs every feature module into the server, in dependency order. Each module keeps what it
// needs from the context and registers routes, filters, checks and hooks. The returned object
// owns the modules; destroy it after the server has stopped.
struct Modules;
struct ModulesDeleter {
  void operator()(Modules* m) const;
};
using ModulesHandle = std::unique_ptr<Modules, ModulesDeleter>;
ModulesHandle install_modules(server::ModuleContext& ctx);

}  // namespace headroom::app
