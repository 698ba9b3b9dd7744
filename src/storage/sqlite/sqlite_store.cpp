#include "storage/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>

#include "storage/sqlite/fault_vfs.hpp"
#include "storage/sqlite/internal.hpp"

namespace headroom::storage::sqlite {
namespace {

Status unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }

// Callbacks are user code on our threads: an exception must not take the thread down.
template <typename Fn, typename... Args>
void safe_call(const Fn& fn, Args&&... args) {
  try {
    fn(std::forward<Args>(args)...);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "storage callback threw: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "storage callback threw\n");
  }
}

}  // namespace

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

// ---- writer -------------------------------------------------------------------------------

void SqliteStore::enqueue(Job job) {
  {
    std::lock_guard lk(wmu_);
    if (!stopping_ && wqueue_.size() < opt_.max_queue) {
      wqueue_.push_back(std::move(job));
      wcv_.notify_one();
      return;
    }
  }
  safe_call(job.done, unavailable(closed_ ? "storage is closed" : "storage write queue is full"));
}

void SqliteStore::writer_loop() {
  std::vector<Job> group;
  while (true) {
    {
      std::unique_lock lk(wmu_);
      wcv_.wait(lk, [&] { return stopping_ || !wqueue_.empty(); });
      if (wqueue_.empty()) return;
      while (!wqueue_.empty() && group.size() < opt_.max_group) {
        group.push_back(std::move(wqueue_.front()));
        wqueue_.pop_front();
      }
    }
    commit_group(group);
    group.clear();
    restart_wal_if_long();
    if (clock_->unix_ms() - last_trim_ms_ > 60'000) trim_changes();
  }
}

// The background checkpointer copies frames while the writer keeps appending, so it never
// catches up and the WAL would grow without bound (1 GB in 7 s of the write benchmark): every
// append then extends the file (block allocation, and fdatasync must also commit the size change)
// and readers search an ever longer WAL index. Past `wal_restart_frames` the writer, between
// transactions, copies the few frames the checkpointer has not yet copied; when nothing is left
// its next transaction writes the WAL from the start again, overwriting blocks already allocated.
// (Every acknowledged frame was fdatasynced before; the checkpoint syncs the database file.)
// A reader still using old frames stops the checkpoint short; the writer then waits for another
// quarter of the bound before trying again instead of paying two syncs after every commit.
void SqliteStore::restart_wal_if_long() {
  const int frames = wdb_->wal_frames();
  if (opt_.wal_restart_frames <= 0 || frames < std::max(opt_.wal_restart_frames, next_restart_frames_)) return;
  if (!health().empty()) return;
  if (wdb_->checkpoint_all()) {
    wal_restarts_.fetch_add(1);
    next_restart_frames_ = 0;
  } else {
    next_restart_frames_ = frames + std::max(1, opt_.wal_restart_frames / 4);
  }
}

bool SqliteStore::run_job(Txn& txn, Job& job, Status& status) {
  auto seqs_before = txn.seqs;
  size_t changes_before = txn.changes.size();
  const int64_t rows_before = job.checks_first ? wdb_->total_changes() : 0;
  if (!job.checks_first) {
    if (status = wdb_->stmt("SAVEPOINT w").run(); !status) return false;
  }
  try {
    status = job.apply(txn);
  } catch (const std::exception& e) {
    status = internal_error(std::string("write failed: ") + e.what());
  }
  if (job.checks_first) {
    if (status.is_ok() || status.code() == Code::kUnavailable) return status.is_ok();
    if (wdb_->total_changes() != rows_before) {
      status =
          internal_error("a write failed after changing rows (" + status.message() + "); its group is rolled back");
      return false;
    }
    txn.seqs = std::move(seqs_before);
    txn.changes.resize(changes_before);
    return true;
  }
  if (status.is_ok()) {
    status = wdb_->stmt("RELEASE w").run();
    return status.is_ok();
  }
  if (status.code() == Code::kUnavailable) return false;  // the database itself failed
  Status undo = wdb_->stmt("ROLLBACK TO w").run();
  if (undo) undo = wdb_->stmt("RELEASE w").run();
  txn.seqs = std::move(seqs_before);
  txn.changes.resize(changes_before);
  if (!undo) status = undo;
  return undo.is_ok();
}

void SqliteStore::commit_group(std::vector<Job>& group) {
  if (std::string why = health(); !why.empty())
    return fail(group, "storage failed earlier (" + why + "); restart needed");
  std::vector<Status> statuses(group.size());
  auto seqs = seqs_;
  std::vector<Change> changes;
  Txn txn{*wdb_,
          clock_->unix_ms(),
          opt_.max_doc_bytes,
          seqs,
          changes,
          [this](const std::string& app, const std::string& col) { return composites(app, col, false); }};
  Status fatal = wdb_->stmt("BEGIN IMMEDIATE").run();
  for (size_t i = 0; fatal && i < group.size(); ++i) {
    if (!run_job(txn, group[i], statuses[i])) fatal = statuses[i];
  }
  if (fatal) fatal = save_seqs(txn);
  const bool pipelined = opt_.durability == SqliteOptions::Durability::kPipelined;
  // From COMMIT on readers may see this group, before its fsync: their answers wait for it.
  const uint64_t number = pipelined ? ++commit_number_ : 0;
  if (fatal && pipelined) visible_commits_.store(number);
  if (fatal) fatal = wdb_->stmt("COMMIT").run();
  if (!fatal) {
    (void)wdb_->exec("ROLLBACK");
    mark_broken(fatal.message());
    return fail(group, "write not committed: " + fatal.message());
  }
  seqs_ = std::move(seqs);
  Committed c{number, std::move(group), std::move(statuses), std::move(changes)};
  group.clear();
  if (!pipelined) return complete(c);  // synchronous=FULL: the COMMIT synced, readers saw nothing before
  {
    std::lock_guard lk(smu_);
    squeue_.push_back(std::move(c));
  }
  scv_.notify_one();
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
  for (auto& h : ready) safe_call(h.deliver);
}

void SqliteStore::fail_held_reads(const std::string& why) {
  std::vector<HeldRead> failed;
  {
    std::lock_guard lk(smu_);
    failed.swap(held_);
  }
  for (auto& h : failed) {
    safe_call(h.fail, unavailable("storage failed (" + why + "): this read may have seen writes that are not durable"));
  }
}

void SqliteStore::fail(std::vector<Job>& jobs, const std::string& why) {
  for (auto& j : jobs) safe_call(j.done, unavailable(why));
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
      for (const auto& l : *listeners) safe_call(l, change);
    }
  }
  // Counted before the acknowledgements, so a caller whose write returned sees it counted.
  committed_writes_.fetch_add(static_cast<uint64_t>(
      std::count_if(c.statuses.begin(), c.statuses.end(), [](const Status& s) { return s.is_ok(); })));
  for (size_t i = 0; i < c.jobs.size(); ++i) safe_call(c.jobs[i].done, c.statuses[i]);
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
  std::unique_lock lk(smu_);
  while (!sstopping_) {
    ccv_.wait_for(lk, std::chrono::milliseconds(opt_.checkpoint_interval_ms), [&] { return sstopping_; });
    if (sstopping_) break;
    lk.unlock();
    if (health().empty()) (void)cdb_->exec("PRAGMA wal_checkpoint(PASSIVE)");
    lk.lock();
  }
}

// Acknowledges committed groups once an fdatasync of the WAL that started after their commit
// succeeds: one fsync covers every group committed before it.
void SqliteStore::syncer_loop() {
  while (true) {
    std::deque<Committed> ready;
    {
      std::unique_lock lk(smu_);
      scv_.wait(lk, [&] { return sstopping_ || !squeue_.empty(); });
      if (squeue_.empty()) return;
      ready.swap(squeue_);
    }
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
}

void SqliteStore::trim_changes() {
  last_trim_ms_ = clock_->unix_ms();
  int64_t cutoff = last_trim_ms_ - opt_.change_retention_ms;
  enqueue({[cutoff](Txn& t) -> Status {
             for (const auto& [app, seq] : t.seqs) {
               auto st = t.db.stmt(
                   "DELETE FROM changes WHERE app=?1 AND seq < (SELECT seq FROM changes WHERE app=?1 AND ts >= ?2 "
                   "ORDER BY seq LIMIT 1)");
               if (Status s = st.bind(1, app).bind(2, cutoff).run(); !s) return s;
             }
             return Status::ok();
           },
           [](Status) {}});
}

void SqliteStore::add_change_listener(ChangeListener fn) {
  std::lock_guard lk(lmu_);
  auto next = std::make_shared<std::vector<ChangeListener>>(*listeners_);
  next->push_back(std::move(fn));
  listeners_ = std::move(next);
}

void SqliteStore::write(WriteBatch batch, Callback<std::vector<WriteResult>> done) {
  auto result = std::make_shared<std::vector<WriteResult>>();
  auto b = std::make_shared<WriteBatch>(std::move(batch));
  const bool one_op = b->ops.size() == 1;  // apply_op checks before it writes
  enqueue({[b, result](Txn& t) -> Status {
             auto r = apply_batch(t, *b);
             if (!r) return r.status();
             *result = std::move(*r);
             return Status::ok();
           },
           [result, done = std::move(done)](Status s) {
             if (!s) return done(std::move(s));
             done(std::move(*result));
           },
           one_op});
}

void SqliteStore::put_meta(std::string key, std::string value, StatusCallback done) {
  enqueue({[key = std::move(key), value = std::move(value)](Txn& t) {
             auto st = t.db.stmt("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
             return st.bind(1, key).bind(2, value).run();
           },
           std::move(done)});
}

}  // namespace headroom::storage::sqlite
