#pragma once
// The store's own counters as Prometheus series (docs/metrics.md, "Database and quotas"), written
// at scrape time from Store::stats(): the store keeps them and knows nothing of the registry.
#include "metrics/registry.hpp"
#include "storage/store.hpp"

namespace headroom::docs {

// headroom_db_commits_total, headroom_db_committed_writes_total, headroom_db_healthy and
// headroom_storage_errors_total{thread} (the DatabaseErrors alert reads the last two).
void write_storage_metrics(const storage::Store& store, metrics::Writer& w);

}  // namespace headroom::docs
