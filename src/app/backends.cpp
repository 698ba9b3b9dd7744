#include "app/backends.hpp"

#include <filesystem>
#include <stdexcept>

#include "storage/sqlite/sqlite_maintenance.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace headroom::app {

std::unique_ptr<storage::Store> open_document_store(const config::Config& config, Clock& clock) {
  std::filesystem::create_directories(config.data.dir);
  storage::sqlite::SqliteOptions opt;
  opt.path = (std::filesystem::path(config.data.dir) / "headroom.db").string();
  opt.clock = &clock;
  opt.change_retention_ms = int64_t{config.data.change_log_retention_hours} * 3600 * 1000;
  auto opened = storage::sqlite::SqliteStore::open(opt);
  if (!opened) throw std::runtime_error("documents: " + opened.status().message());
  return std::move(*opened);
}

std::shared_ptr<storage::Maintenance> open_maintenance(const config::Config&) {
  return storage::sqlite::make_maintenance();
}

std::unique_ptr<Backends> open_backends(const config::Config& config, Clock& clock) {
  auto b = std::make_unique<Backends>();
  b->store = open_document_store(config, clock);
  b->maintenance = open_maintenance(config);
  b->channels = std::make_unique<pusher::InMemoryChannelBackends>(config, clock, b->changes);
  b->cache_peers = std::make_shared<cache::LocalInvalidation>();  // one node: no peers
  return b;
}

}  // namespace headroom::app
