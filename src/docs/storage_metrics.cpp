#include "docs/storage_metrics.hpp"

namespace headroom::docs {

void write_storage_metrics(const storage::Store& store, metrics::Writer& w) {
  const storage::StoreStats stats = store.stats();
  w.family("headroom_db_commits_total", "counter", "Storage transactions committed (group commits)");
  w.sample("headroom_db_commits_total", {}, static_cast<double>(stats.commits));
  w.family("headroom_db_committed_writes_total", "counter", "Write requests acknowledged durable");
  w.sample("headroom_db_committed_writes_total", {}, static_cast<double>(stats.committed_writes));
  w.family("headroom_db_healthy", "gauge", "1 while storage accepts writes");
  w.sample("headroom_db_healthy", {}, store.health().empty() ? 1 : 0);
  w.family("headroom_storage_errors_total", "counter",
           "Exceptions caught on storage threads: reads and writes answered INTERNAL, callbacks that threw");
  for (const auto& [thread, n] : stats.errors_by_thread) {
    w.sample("headroom_storage_errors_total", {{"thread", thread}}, static_cast<double>(n));
  }
}

}  // namespace headroom::docs
