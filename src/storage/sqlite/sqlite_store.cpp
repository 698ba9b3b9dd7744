// SqliteStore: opening and closing, the syncer and checkpointer threads, acknowledgements, and
// what every store thread does with an exception it catches. The writer is in
// sqlite_store_writer.cpp, the readers in sqlite_store_reads.cpp.
#include "storage/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>

#include "core/log.hpp"
#include "storage/sqlite/fault_vfs.hpp"
#include "storage/sqlite/internal.hpp"

namespace headroom::storage::sqlite {
namespace {}  // namespace

std::string_view store_thread_name(StoreThread t) {
  switch (t) {
    case StoreThread::kReader:
      return "reader";
    case StoreThread::kWriter:
      return "writer";
    case StoreThread::kSyncer:
      return "syncer";
    case StoreThread::kCheckpointer:
      return "checkpointer";
    case StoreThread::kCaller:
      break;
  }
  return "caller";
}

StoreStats SqliteStore::stats() const {
  StoreStats out{commits(), committed_writes()};
  for (StoreThread t : {StoreThread::kReader, StoreThread::kWriter, StoreThread::kSyncer, StoreThread::kCheckpointer,
                        StoreThread::kCaller}) {
    out.errors_by_thread.emplace_back(std::string(store_thread_name(t)), exceptions(t));
  }
  return out;
}

StoreThread& SqliteStore::this_thread() {
  thread_local StoreThread t = StoreThread::kCaller;
  return t;
}

void SqliteStore::caught(std::string_view during, const std::exception_ptr& e) noexcept {
  const StoreThread t = this_thread();
  exceptions_[static_cast<size_t>(t)].fetch_add(1);
  try {
    if (!log::error_budget_allows()) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      spdlog::error("storage {} thread: {} threw: {}", store_thread_name(t), during, x.what());
    } catch (...) {
      spdlog::error("storage {} thread: {} threw something that is not a std::exception", store_thread_name(t), during);
    }
  } catch (...) {  // logging must not throw out of an exception handler
  }
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(SqliteOptions options) {
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(options)));
  if (Status s = store->start(); !s) return s;
  return store;
}

SqliteStore::~SqliteStore() { close(); }

Status SqliteStore::start() {
  clock_ = opt_.clock ? opt_.clock : &SystemClock::instance();
  if (opt_.vfs == kFaultVfsName) (void)fault_vfs_fail_syncs();
  auto w = Db::open(opt_.path, opt_.vfs, false);
  if (!w) return w.status();
  wdb_ = std::move(*w);
  if (opt_.page_size > 0) {
    if (Status s = wdb_->exec("PRAGMA page_size=" + std::to_string(opt_.page_size)); !s) return s;
  }
  bool full = opt_.durability == SqliteOptions::Durability::kFullSync;
  for (const char* pragma : {"PRAGMA journal_mode=WAL", full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                             "PRAGMA cache_size=-32768", "PRAGMA temp_store=MEMORY", "PRAGMA wal_autocheckpoint=0"}) {
    if (Status s = wdb_->exec(pragma); !s) return s;
  }
  wdb_->watch_wal();
  if (Status s = create_schema(*wdb_); !s) return s;
  // The WAL file exists now; make its directory entry durable once (fdatasync does not).
  std::string dir = std::filesystem::path(opt_.path).parent_path().string();
  if (int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  seqs_ = load_seqs(*wdb_);
  auto defs = load_indexes(*wdb_);
  if (!defs) return defs.status();
  for (auto& [app, def] : *defs) indexes_[app].push_back(def);
  for (int i = 0; i < std::max(1, opt_.readers); ++i) {
    auto r = Db::open(opt_.path, opt_.vfs, false);
    if (!r) return r.status();
    if (Status s = (*r)->exec("PRAGMA query_only=1; PRAGMA cache_size=-16384"); !s) return s;
    rdbs_.push_back(std::move(*r));
  }
  auto c = Db::open(opt_.path, opt_.vfs, false);
  if (!c) return c.status();
  cdb_ = std::move(*c);
  last_trim_ms_ = clock_->unix_ms();
  writer_ = std::thread([this] { writer_loop(); });
  syncer_ = std::thread([this] { syncer_loop(); });
  checkpointer_ = std::thread([this] { checkpointer_loop(); });
  for (auto& db : rdbs_) readers_.emplace_back([this, d = db.get()] { reader_loop(*d); });
  for (const auto& [app, defs] : indexes_) {
    for (const auto& def : defs) {
      if (def.state != "ready") schedule_backfill(app, def, "");
    }
  }
  return Status::ok();
}

void SqliteStore::close() {
  if (closed_.exchange(true)) return;
  {
    std::lock_guard lk(wmu_);
    stopping_ = true;
  }
  wcv_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lk(smu_);
    sstopping_ = true;
  }
  scv_.notify_all();
  ccv_.notify_all();
  if (syncer_.joinable()) syncer_.join();
  if (wal_fd_ >= 0) ::close(wal_fd_);
  if (checkpointer_.joinable()) checkpointer_.join();
  cdb_.reset();
  {
    std::lock_guard lk(rmu_);
    rstopping_ = true;
  }
  rcv_.notify_all();
  for (auto& t : readers_) t.join();
  readers_.clear();
  rdbs_.clear();
  fail_held_reads("storage is closed");
  if (wdb_ && health().empty()) (void)wdb_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  wdb_.reset();
}

std::string SqliteStore::health() const {
  std::lock_guard lk(hmu_);
  return broken_;
}

void SqliteStore::mark_broken(const std::string& why) {
  {
    std::lock_guard lk(hmu_);
    if (broken_.empty()) broken_ = why;
  }
  std::fprintf(stderr, "storage: refusing writes until restart: %s\n", why.c_str());
  fail_held_reads(why);
}

void SqliteStore::deliver_when_durable(std::function<void()> deliver, std::function<void(Status)> fail) {
  // Every commit this read may have seen raised visible_commits_ before its COMMIT.
  const uint64_t needs = visible_commits_.load();
  if (needs > durable_commits_.load()) {
    std::unique_lock lk(smu_);
    if (needs > durable_commits_.load()) {
      std::string why = health();
      if (why.empty()) {
        held_.push_back({needs, std::move(deliver), std::move(fail)});
        held_reads_.fetch_add(1);
        return;
      }
      lk.unlock();
      return fail(unavailable("storage failed (" + why +
                              "): this read may have seen writes that are not durable; "
                              "restart needed"));
    }
  }
  deliver();
}

void SqliteStore::advance_durable(uint64_t number) {
  std::vector<HeldRead> ready;
  {
    std::lock_guard lk(smu_);
    durable_commits_.store(number);
    auto still = std::stable_partition(held_.begin(), held_.end(), [&](const HeldRead& h) { return h.needs > number; });
    ready.assign(std::make_move_iterator(still), std::make_move_iterator(held_.end()));
    held_.erase(still, held_.end());
  }
  for (auto& h : ready) call_safely(h.deliver);
}

void SqliteStore::fail_held_reads(const std::string& why) {
  std::vector<HeldRead> failed;
  {
    std::lock_guard lk(smu_);
    failed.swap(held_);
  }
  for (auto& h : failed) {
    call_safely(h.fail,
                unavailable("storage failed (" + why + "): this read may have seen writes that are not durable"));
  }
}

void SqliteStore::fail(std::vector<Job>& jobs, const std::string& why) {
  for (auto& j : jobs) answer(j, unavailable(why));
}

// Listeners hear a group's changes before its writers are acknowledged, so whatever they do (cache
// invalidation, change feeds) has happened by the time a write returns to its caller.
void SqliteStore::complete(Committed& c) {
  commits_.fetch_add(1);
  if (!c.changes.empty()) {
    std::shared_ptr<const std::vector<ChangeListener>> listeners;
    {
      std::lock_guard lk(lmu_);
      listeners = listeners_;
    }
    for (const auto& change : c.changes) {
      for (const auto& l : *listeners) call_safely(l, change);
    }
  }
  // Counted before the acknowledgements, so a caller whose write returned sees it counted.
  committed_writes_.fetch_add(static_cast<uint64_t>(
      std::count_if(c.statuses.begin(), c.statuses.end(), [](const Status& s) { return s.is_ok(); })));
  for (size_t i = 0; i < c.jobs.size(); ++i) answer(c.jobs[i], c.statuses[i]);
}

Status SqliteStore::sync_wal() {
  if (wal_fd_ < 0) wal_fd_ = ::open((opt_.path + "-wal").c_str(), O_RDWR | O_CLOEXEC);
  if (wal_fd_ < 0) return unavailable(std::string("cannot open the WAL to sync it: ") + std::strerror(errno));
  int rc = opt_.vfs == kFaultVfsName ? fault_vfs_fdatasync(wal_fd_) : ::fdatasync(wal_fd_);
  if (rc != 0) return unavailable(std::string("fsync of the WAL failed: ") + std::strerror(errno));
  return Status::ok();
}

// Copies WAL frames into the database file in the background (PASSIVE: never blocks the writer
// or readers), so the writer never stalls on a checkpoint's fsyncs.
void SqliteStore::checkpointer_loop() {
  this_thread() = StoreThread::kCheckpointer;
  std::unique_lock lk(smu_);
  while (!sstopping_) {
    ccv_.wait_for(lk, std::chrono::milliseconds(opt_.checkpoint_interval_ms), [&] { return sstopping_; });
    if (sstopping_) break;
    lk.unlock();
    checkpoint();
    lk.lock();
  }
}

void SqliteStore::checkpoint() {
  try {
    if (health().empty()) (void)cdb_->exec("PRAGMA wal_checkpoint(PASSIVE)");
  } catch (...) {  // the next round tries again
    caught("a checkpoint", std::current_exception());
  }
}

// Acknowledges committed groups once an fdatasync of the WAL that started after their commit
// succeeds: one fsync covers every group committed before it.
void SqliteStore::syncer_loop() {
  this_thread() = StoreThread::kSyncer;
  while (true) {
    std::deque<Committed> ready;
    {
      std::unique_lock lk(smu_);
      scv_.wait(lk, [&] { return sstopping_ || !squeue_.empty(); });
      if (squeue_.empty()) return;
      ready.swap(squeue_);
    }
    try {
      sync_and_acknowledge(ready);
    } catch (...) {
      // Whether these commits are durable is not known now: as after a failed fsync, their
      // writes (those not yet answered) fail and the store refuses writes until reopened.
      caught("acknowledging commits", std::current_exception());
      mark_broken("the WAL syncer failed");
      for (auto& c : ready) fail(c.jobs, "write not durable: the WAL syncer failed");
    }
  }
}

void SqliteStore::sync_and_acknowledge(std::deque<Committed>& ready) {
  std::string why = health();
  if (why.empty()) {
    if (Status s = sync_wal(); !s) {
      mark_broken(s.message());
      why = s.message();
    } else {
      wal_syncs_.fetch_add(1);
    }
  }
  for (auto& c : ready) {
    if (why.empty()) {
      complete(c);
    } else {
      fail(c.jobs, "write not durable: " + why);
    }
  }
  if (why.empty()) advance_durable(ready.back().number);
}

void SqliteStore::add_change_listener(ChangeListener fn) {
  std::lock_guard lk(lmu_);
  auto next = std::make_shared<std::vector<ChangeListener>>(*listeners_);
  next->push_back(std::move(fn));
  listeners_ = std::move(next);
}

}  // namespace headroom::storage::sqlite
