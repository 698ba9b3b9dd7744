#pragma once
// Every config key, declared once (schema.cpp): the top-level sections in the order they are read,
// printed and documented, and the arrays of tables inside them.
#include <tuple>

#include "config/key.hpp"

namespace headroom::config::schema {

const Section<ServerConfig>& server();
const Section<DataConfig>& data();
const Section<LogConfig>& log();
const Section<AdminConfig>& admin();
const Section<WebSocketConfig>& websocket();
const Section<ChannelsConfig>& channels();
const Section<RateLimitConfig>& rate_limits();
const Section<QuotaConfig>& quotas();
const Section<CacheConfig>& cache();
const Section<AlertsConfig>& alerts();
const Section<BackupConfig>& backup();

const TableArray<ChannelsConfig, HistoryRule>& history();   // [[channels.history]]
const TableArray<Config, AppConfig>& apps();                // [[apps]]
const TableArray<AppConfig, Webhook>& webhooks();           // [[apps.webhooks]]
const TableMap<AppConfig, CollectionRules>& collections();  // [apps.collections.NAME]

inline auto sections() {
  return std::tie(server(), data(), log(), admin(), websocket(), channels(), rate_limits(), quotas(), cache(), alerts(),
                  backup());
}

// Calls f(section) for each top-level section, in order.
template <class F>
void for_each_section(F&& f) {
  std::apply([&](const auto&... s) { (f(s), ...); }, sections());
}

// "server", "data", ...: the top-level section names, in order.
std::vector<std::string_view> section_names();

// HEADROOM_<SECTION>_<KEY>: the environment variable that overrides section.key.
std::string env_name(std::string_view section, std::string_view key);

}  // namespace headroom::config::schema
