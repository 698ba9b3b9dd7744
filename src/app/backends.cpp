#include "app/backends.hpp"

namespace headroom::app {

std::unique_ptr<Backends> open_backends(const config::Config& config, Clock& clock) {
  auto b = std::make_unique<Backends>();
  b->channels = std::make_unique<pusher::InMemoryChannelBackends>(config, clock, b->changes);
  b->cache_peers = std::make_shared<cache::LocalInvalidation>();  // one node: no peers
  return b;
}

}  // namespace headroom::app
