#include "docs/storage_metrics.hpp"

#include <string>

namespace headroom::docs {

void write_storage_metrics(const storage::sqlite::SqliteStore& store, observe::Writer& w) {
  using storage::sqlite::StoreThread;
  w.family("headroom_db_commits_total", "counter", "Storage transactions committed (group commits)");
  w.sample("headroom_db_commits_total", {}, static_cast<double>(store.commits()));
  w.family("headroom_db_committed_writes_total", "counter", "Write requests acknowledged durable");
  w.sample("headroom_db_committed_writes_total", {}, static_cast<double>(store.committed_writes()));
  w.family("headroom_db_healthy", "gauge", "1 while storage accepts writes");
  w.sample("headroom_db_healthy", {}, store.health().empty() ? 1 : 0);
  w.family("headroom_storage_errors_total", "counter",
           "Exceptions caught on storage threads: reads and writes answered INTERNAL, callbacks that threw");
  for (StoreThread t : {StoreThread::kReader, StoreThread::kWriter, StoreThread::kSyncer, StoreThread::kCheckpointer,
                        StoreThread::kCaller}) {
    w.sample("headroom_storage_errors_total", {{"thread", std::string(storage::sqlite::store_thread_name(t))}},
             static_cast<double>(store.exceptions(t)));
  }
}

}  // namespace headroom::docs
