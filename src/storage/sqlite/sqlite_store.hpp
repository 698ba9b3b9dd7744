#pragma once
// The embedded store: one SQLite database in WAL mode.
//  - One writer thread owns the only write connection. It drains its queue and commits everything
//    queued as one transaction (group commit): one fsync acknowledges many writes. Each request
//    runs inside a savepoint, so a failed precondition undoes only that request.
//  - Durability (docs/documents.md): no write is acknowledged before the WAL frames holding its
//    commit are fsynced, so acknowledged writes survive kill -9 and power loss. By default
//    (kPipelined) SQLite commits with synchronous=NORMAL and a separate syncer thread fdatasyncs
//    the WAL, then acknowledges every group that commit covers — the writer already builds the
//    next group meanwhile. kFullSync is plain synchronous=FULL (fsync inside COMMIT).
//    A failed commit/fsync fails its writes and every later write until the store is reopened
//    (fsync errors cannot be retried safely).
//  - A read's answer is released only once every commit it may have seen is durable: in
//    kPipelined mode a reader can see a commit before its fsync, so its answer waits for that
//    fsync (and fails with UNAVAILABLE if it fails). A write answered UNAVAILABLE is never seen
//    by a reader before the store is reopened (docs/documents.md, "What a failed write leaves").
//  - A pool of reader threads, each with its own connection and prepared-statement cache.
//  - An exception on a store thread never ends it and never leaves a caller waiting: a read or
//    write that throws is answered INTERNAL (a write leaves nothing behind), a callback that
//    throws is not called again; each is counted (exceptions()) and logged, rate-limited.
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "storage/sqlite/db.hpp"
#include "storage/store.hpp"

namespace headroom::storage::sqlite {

struct Txn;

struct SqliteOptions {
  std::string path;                                      // the database file, e.g. <data.dir>/headroom.db
  std::string vfs;                                       // empty: the default VFS (tests: kFaultVfsName)
  int readers = 2;                                       // reader threads/connections
  int checkpoint_interval_ms = 200;                      // PASSIVE checkpoints off the writer thread
  int wal_restart_frames = 8192;                         // the writer restarts the WAL past this size (frames)
  int page_size = 0;                                     // new databases only; 0: SQLite's default (4096)
  size_t max_group = 2048;                               // requests committed together at most
  size_t max_queue = 50000;                              // queued writes beyond this fail fast with UNAVAILABLE
  size_t max_read_queue = 50000;                         // likewise for reads
  size_t max_doc_bytes = 1 << 20;                        // DESIGN.md §2: documents ≤ 1 MiB
  int64_t change_retention_ms = 7LL * 24 * 3600 * 1000;  // change-log rows older than this are trimmed
  Clock* clock = nullptr;                                // nullptr: SystemClock
  enum class Durability { kPipelined, kFullSync };
  Durability durability = Durability::kPipelined;
  // Test hooks, empty in production; a test makes them throw. `before_read` runs on a reader
  // thread before each read; `after_write` on the writer thread after each write job that
  // succeeded, inside its transaction (its rows are written but not committed).
  std::function<void()> before_read;
  std::function<void()> after_write;
};

// The threads an exception can be caught on. kCaller: a thread of the store's caller (the store
// answered there, e.g. "queue full").
enum class StoreThread { kReader, kWriter, kSyncer, kCheckpointer, kCaller };
inline constexpr size_t kStoreThreads = 5;
std::string_view store_thread_name(StoreThread t);  // "reader", "writer", ... (a metric label)

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> open(SqliteOptions options);
  ~SqliteStore() override;

  void write(WriteBatch batch, Callback<std::vector<WriteResult>> done) override;
  void get(std::string app, std::string collection, std::string id, Callback<std::optional<Document>> done) override;
  void query(Query q, Callback<QueryResult> done) override;
  void create_index(std::string app, IndexDef def, Callback<IndexDef> done) override;
  void list_indexes(std::string app, Callback<std::vector<IndexDef>> done) override;
  void drop_index(std::string app, std::string name, StatusCallback done) override;
  void read_changes(std::string app, std::string collection, int64_t after_seq, int limit,
                    Callback<std::vector<Change>> done) override;
  void add_change_listener(ChangeListener fn) override;
  void put_meta(std::string key, std::string value, StatusCallback done) override;
  void get_meta_prefix(std::string prefix, Callback<std::vector<std::pair<std::string, std::string>>> done) override;
  std::string health() const override;
  StoreStats stats() const override;
  void close() override;

  // Counters for metrics and tests.
  uint64_t commits() const { return commits_.load(); }
  uint64_t committed_writes() const { return committed_writes_.load(); }
  uint64_t wal_restarts() const { return wal_restarts_.load(); }  // catch-up checkpoints that emptied the WAL
  uint64_t wal_syncs() const { return wal_syncs_.load(); }        // successful fdatasyncs of the WAL (kPipelined)
  uint64_t held_reads() const { return held_reads_.load(); }      // read answers released after a later fsync
  // Exceptions caught on one kind of thread: reads and writes that threw, callbacks that threw.
  uint64_t exceptions(StoreThread t) const { return exceptions_[static_cast<size_t>(t)].load(); }

 private:
  struct Job {
    std::function<Status(Txn&)> apply;  // inside the group's transaction (and its own savepoint)
    std::function<void(Status)> done;   // after commit, on the writer thread
    // The job checks everything before its first change (one-operation writes): it runs without a
    // savepoint of its own (no statement journal); should it fail after changing a row anyway
    // (it threw), the whole group is rolled back and committed again without it.
    bool checks_first = false;
    bool answered = false;  // `done` has been called (it may have thrown): never call it again
  };
  struct ReadJob {
    std::function<void(Db&)> run;      // reads and answers
    std::function<void(Status)> fail;  // answers instead; a no-op once `run` has answered
  };
  // How a job left the group's transaction.
  enum class JobEnd {
    kGoOn,      // its changes are in the transaction, or it failed and they were undone
    kPoisoned,  // it failed after changing rows it cannot undo alone: roll the transaction back
    kDbFailed,  // the database failed (its status says how)
  };
  struct Poisoned {
    size_t index;  // in the group
    Status status;
  };
  // A committed group waiting for its fsync.
  struct Committed {
    uint64_t number = 0;  // the commit's place in visible_commits_
    std::vector<Job> jobs;
    std::vector<Status> statuses;
    std::vector<Change> changes;
  };

  explicit SqliteStore(SqliteOptions options) : opt_(std::move(options)) {}
  Status start();
  void enqueue(Job job);
  void answer(Job& job, Status s);
  template <typename T>
  void read(std::function<Result<T>(Db&)> compute, Callback<T> done);
  void submit_read(ReadJob job);
  void writer_loop();
  void commit_group(std::vector<Job>& group);
  // One transaction for the group; the job that poisoned it, if one did (all was rolled back).
  std::optional<Poisoned> try_commit(std::vector<Job>& group);
  void hand_over(Committed c);
  JobEnd run_job(Txn& txn, Job& job, Status& status);
  Status apply_guarded(Txn& txn, Job& job);
  void restart_wal_if_long();
  void reader_loop(Db& db);
  void syncer_loop();
  void checkpointer_loop();
  void checkpoint();
  void sync_and_acknowledge(std::deque<Committed>& ready);
  Status sync_wal();
  void complete(Committed& c);
  void fail(std::vector<Job>& jobs, const std::string& why);
  void mark_broken(const std::string& why);
  // Read answers: `deliver` runs once every commit the read may have seen is durable; `fail`
  // instead if that commit's fsync failed.
  void deliver_when_durable(std::function<void()> deliver, std::function<void(Status)> fail);
  template <typename T>
  Callback<T> once_durable(Callback<T> done);
  void advance_durable(uint64_t number);
  void fail_held_reads(const std::string& why);
  void schedule_backfill(std::string app, IndexDef def, std::string after);
  void forget_index(const std::string& app, const std::string& name);
  void trim_changes();
  std::vector<IndexDef> composites(const std::string& app, const std::string& col, bool ready_only) const;
  static StoreThread& this_thread();  // what the running thread is to this store (kCaller by default)
  // Counts an exception caught on this thread and logs its what() (never data), rate-limited.
  // `during` says what threw: "a read", "a write", "a callback", ...
  void caught(std::string_view during, const std::exception_ptr& e) noexcept;
  // Callbacks are the caller's code on our threads: one that throws must not end the thread.
  template <typename Fn, typename... Args>
  void call_safely(const Fn& fn, Args&&... args) noexcept {
    try {
      fn(std::forward<Args>(args)...);
    } catch (...) {
      caught("a callback", std::current_exception());
    }
  }

  SqliteOptions opt_;
  Clock* clock_ = nullptr;
  std::unique_ptr<Db> wdb_;
  std::vector<std::unique_ptr<Db>> rdbs_;

  std::mutex wmu_;
  std::condition_variable wcv_;
  std::deque<Job> wqueue_;
  bool stopping_ = false;
  std::thread writer_;

  std::mutex smu_;
  std::condition_variable scv_;
  std::deque<Committed> squeue_;
  bool sstopping_ = false;
  std::thread syncer_;
  int wal_fd_ = -1;
  std::unique_ptr<Db> cdb_;  // checkpoints run on their own connection and thread
  std::thread checkpointer_;
  std::condition_variable ccv_;  // wakes the checkpointer (on smu_) only to stop

  std::mutex rmu_;
  std::condition_variable rcv_;
  std::deque<ReadJob> rqueue_;
  bool rstopping_ = false;
  std::vector<std::thread> readers_;

  // Writer thread only.
  std::map<std::string, int64_t> seqs_;
  int64_t last_trim_ms_ = 0;
  // Copy-on-write: listeners may be added while commits are being acknowledged.
  std::mutex lmu_;
  std::shared_ptr<const std::vector<ChangeListener>> listeners_ = std::make_shared<std::vector<ChangeListener>>();

  mutable std::mutex imu_;
  std::map<std::string, std::vector<IndexDef>> indexes_;  // app → composite index defs

  mutable std::mutex hmu_;
  std::string broken_;  // non-empty after a failed commit
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> committed_writes_{0};
  std::atomic<uint64_t> wal_restarts_{0};
  int next_restart_frames_ = 0;  // writer thread only: after a checkpoint a reader cut short
  std::atomic<uint64_t> wal_syncs_{0};
  std::array<std::atomic<uint64_t>, kStoreThreads> exceptions_{};

  // kPipelined: a commit is visible to readers before its fsync. visible_commits_ is raised before
  // each COMMIT, durable_commits_ after the fsync that covers it; a read finishing while
  // visible > durable waits in held_ (on smu_) for the syncer.
  struct HeldRead {
    uint64_t needs;
    std::function<void()> deliver;
    std::function<void(Status)> fail;
  };
  uint64_t commit_number_ = 0;  // writer thread only
  std::atomic<uint64_t> visible_commits_{0};
  std::atomic<uint64_t> durable_commits_{0};
  std::vector<HeldRead> held_;
  std::atomic<uint64_t> held_reads_{0};
  std::atomic<bool> closed_{false};
};

template <typename T>
Callback<T> SqliteStore::once_durable(Callback<T> done) {
  auto cb = std::make_shared<Callback<T>>(std::move(done));
  return [this, cb](Result<T> r) {
    if (!r) return (*cb)(std::move(r));  // an error reveals no data
    auto value = std::make_shared<Result<T>>(std::move(r));
    deliver_when_durable([cb, value] { (*cb)(std::move(*value)); }, [cb](Status s) { (*cb)(std::move(s)); });
  };
}

}  // namespace headroom::storage::sqlite
