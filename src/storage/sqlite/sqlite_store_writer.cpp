// SqliteStore: the writer thread. It commits what is queued as one transaction (group commit),
// each request in its own savepoint (or none: one-operation writes check before they write), and
// hands the commit to the syncer. A job that throws fails alone and leaves nothing behind.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <optional>

#include "storage/sqlite/internal.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace headroom::storage::sqlite {
namespace {

// What a caller hears when its write threw: the what() goes to the log, not to the client.
Status write_threw() { return internal_error("storage write failed (internal error)"); }

// Puts back the in-memory changes (index catalogue) recorded after `mark`, newest first.
void undo_to(Txn& txn, size_t mark) {
  while (txn.undo.size() > mark) {
    txn.undo.back()();
    txn.undo.pop_back();
  }
}

// Until dismissed, rolls the group's transaction back on every way out of its scope, a throw
// included, with the in-memory changes its jobs made. Should the ROLLBACK itself fail, the
// transaction stays open, the next BEGIN fails and the store marks itself broken.
class RollbackGuard {
 public:
  explicit RollbackGuard(Txn& txn) : txn_(txn) {}
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;
  ~RollbackGuard() { roll_back(); }
  void roll_back() noexcept {
    if (!armed_) return;
    armed_ = false;
    try {
      (void)txn_.db.exec("ROLLBACK");
      undo_to(txn_, 0);
    } catch (...) {  // only bad_alloc is possible here; see above
    }
  }
  void dismiss() { armed_ = false; }

 private:
  Txn& txn_;
  bool armed_ = true;
};

}  // namespace

void SqliteStore::enqueue(Job job) {
  {
    std::lock_guard lk(wmu_);
    if (!stopping_ && wqueue_.size() < opt_.max_queue) {
      wqueue_.push_back(std::move(job));
      wcv_.notify_one();
      return;
    }
  }
  answer(job, unavailable(closed_ ? "storage is closed" : "storage write queue is full"));
}

void SqliteStore::answer(Job& job, Status s) {
  if (job.answered) return;
  job.answered = true;  // first: should `done` throw, it has still been called
  call_safely(job.done, std::move(s));
}

void SqliteStore::writer_loop() {
  this_thread() = StoreThread::kWriter;
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
    try {
      commit_group(group);
      restart_wal_if_long();
      if (clock_->unix_ms() - last_trim_ms_ > 60'000) trim_changes();
    } catch (...) {
      // Each job's own code is guarded in run_job; this is the writer's bookkeeping around them,
      // which throws only before COMMIT (rolled back by try_commit's guard): nothing is written.
      caught("a group commit", std::current_exception());
      for (auto& j : group) answer(j, write_threw());
    }
    group.clear();
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

// A job that throws is answered INTERNAL; the test hook runs once its rows are written.
Status SqliteStore::apply_guarded(Txn& txn, Job& job) {
  try {
    Status s = job.apply(txn);
    if (s.is_ok() && opt_.after_write) opt_.after_write();
    return s;
  } catch (...) {
    caught("a write", std::current_exception());
    return write_threw();
  }
}

SqliteStore::JobEnd SqliteStore::run_job(Txn& txn, Job& job, Status& status) {
  auto seqs_before = txn.seqs;
  const size_t changes_before = txn.changes.size(), undo_before = txn.undo.size();
  const int64_t rows_before = job.checks_first ? wdb_->total_changes() : 0;
  if (!job.checks_first) {
    if (status = wdb_->stmt("SAVEPOINT w").run(); !status) return JobEnd::kDbFailed;
  }
  status = apply_guarded(txn, job);
  if (status.is_ok()) {
    if (!job.checks_first) status = wdb_->stmt("RELEASE w").run();
    return status.is_ok() ? JobEnd::kGoOn : JobEnd::kDbFailed;
  }
  if (status.code() == Code::kUnavailable) return JobEnd::kDbFailed;  // the database itself failed
  if (job.checks_first) {
    if (wdb_->total_changes() != rows_before) return JobEnd::kPoisoned;
  } else {
    Status undo = wdb_->stmt("ROLLBACK TO w").run();
    if (undo) undo = wdb_->stmt("RELEASE w").run();
    if (!undo) {
      status = undo;
      return JobEnd::kDbFailed;
    }
  }
  txn.seqs = std::move(seqs_before);
  txn.changes.resize(changes_before);
  undo_to(txn, undo_before);
  return JobEnd::kGoOn;
}

// A poisoned job (it failed after changing rows it could not undo alone) is answered with its own
// status and the rest of the group is committed again without it, so one bad write fails alone
// and leaves nothing behind. Each round drops a job, so this ends.
void SqliteStore::commit_group(std::vector<Job>& group) {
  while (!group.empty()) {
    auto poisoned = try_commit(group);
    if (!poisoned) return;
    answer(group[poisoned->index], std::move(poisoned->status));
    group.erase(group.begin() + static_cast<std::ptrdiff_t>(poisoned->index));
  }
}

std::optional<SqliteStore::Poisoned> SqliteStore::try_commit(std::vector<Job>& group) {
  if (std::string why = health(); !why.empty()) {
    fail(group, "storage failed earlier (" + why + "); restart needed");
    return std::nullopt;
  }
  std::vector<Status> statuses(group.size());
  auto seqs = seqs_;
  std::vector<Change> changes;
  Txn txn{*wdb_,
          clock_->unix_ms(),
          opt_.max_doc_bytes,
          seqs,
          changes,
          [this](const std::string& app, const std::string& col) { return composites(app, col, false); }};
  RollbackGuard rollback(txn);  // every way out before COMMIT, a throw included, undoes it all
  Status fatal = wdb_->stmt("BEGIN IMMEDIATE").run();
  for (size_t i = 0; fatal && i < group.size(); ++i) {
    JobEnd end = run_job(txn, group[i], statuses[i]);
    if (end == JobEnd::kPoisoned) return Poisoned{i, std::move(statuses[i])};
    if (end == JobEnd::kDbFailed) fatal = statuses[i];
  }
  if (fatal) fatal = save_seqs(txn);
  const bool pipelined = opt_.durability == SqliteOptions::Durability::kPipelined;
  // From COMMIT on readers may see this group, before its fsync: their answers wait for it.
  const uint64_t number = pipelined ? ++commit_number_ : 0;
  if (fatal && pipelined) visible_commits_.store(number);
  if (fatal) fatal = wdb_->stmt("COMMIT").run();
  if (!fatal) {
    rollback.roll_back();
    mark_broken(fatal.message());
    fail(group, "write not committed: " + fatal.message());
    return std::nullopt;
  }
  rollback.dismiss();
  seqs_ = std::move(seqs);
  hand_over(Committed{number, std::move(group), std::move(statuses), std::move(changes)});
  group.clear();
  return std::nullopt;
}

// After COMMIT: the group is acknowledged now (kFullSync) or handed to the syncer. Nothing here
// throws but bad_alloc making room in the syncer's queue; the commit's fate is then unknown, as
// after a failed fsync.
void SqliteStore::hand_over(Committed c) {
  if (opt_.durability == SqliteOptions::Durability::kFullSync) return complete(c);  // the COMMIT synced
  try {
    {
      std::lock_guard lk(smu_);
      squeue_.push_back(std::move(c));
    }
    scv_.notify_one();
  } catch (...) {
    caught("handing a commit to the syncer", std::current_exception());
    mark_broken("a commit could not be handed to the syncer");
    fail(c.jobs, "write not durable: a commit could not be handed to the syncer");
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
