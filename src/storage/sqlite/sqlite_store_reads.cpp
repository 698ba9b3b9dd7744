// SqliteStore: the reader pool and the index catalogue.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>

#include "storage/sqlite/internal.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace headroom::storage::sqlite {
namespace {

// A read's callback, called once at most: a read that throws is answered INTERNAL by its reader
// unless the callback was already called (and is what threw) — it must not hear twice.
template <typename T>
class AnswerOnce {
 public:
  explicit AnswerOnce(Callback<T> done) : done_(std::move(done)) {}
  void operator()(Result<T> r) const {
    if (!answered_.exchange(true)) done_(std::move(r));
  }

 private:
  Callback<T> done_;
  mutable std::atomic<bool> answered_{false};
};

}  // namespace

template <typename T>
void SqliteStore::read(std::function<Result<T>(Db&)> compute, Callback<T> done) {
  auto once = std::make_shared<AnswerOnce<T>>(std::move(done));
  // A callback that throws is caught here, so what reaches reader_loop's catch is the read's own.
  Callback<T> answer = once_durable<T>([this, once](Result<T> r) { call_safely(*once, std::move(r)); });
  submit_read({[compute = std::move(compute), answer = std::move(answer)](Db& db) { answer(compute(db)); },
               [once](Status s) { (*once)(std::move(s)); }});
}

void SqliteStore::submit_read(ReadJob job) {
  {
    std::lock_guard lk(rmu_);
    if (!rstopping_ && !closed_ && rqueue_.size() < opt_.max_read_queue) {
      rqueue_.push_back(std::move(job));
      rcv_.notify_one();
      return;
    }
  }
  job.fail(Status(Code::kUnavailable, closed_ ? "storage is closed" : "storage read queue is full"));
}

void SqliteStore::reader_loop(Db& db) {
  this_thread() = StoreThread::kReader;
  while (true) {
    ReadJob job;
    {
      std::unique_lock lk(rmu_);
      rcv_.wait(lk, [&] { return rstopping_ || !rqueue_.empty(); });
      if (rqueue_.empty()) return;
      job = std::move(rqueue_.front());
      rqueue_.pop_front();
    }
    try {
      if (opt_.before_read) opt_.before_read();
      job.run(db);
    } catch (...) {
      // Counted before the answer, so a caller that heard INTERNAL sees it counted. The
      // statement it was stepping was reset as the exception left it (Stmt's destructor).
      caught("a read", std::current_exception());
      call_safely(job.fail, internal_error("storage read failed (internal error)"));
    }
  }
}

void SqliteStore::get(std::string app, std::string collection, std::string id, Callback<std::optional<Document>> done) {
  read<std::optional<Document>>([=](Db& db) { return load_doc(db, app, collection, id); }, std::move(done));
}

void SqliteStore::query(Query q, Callback<QueryResult> done) {
  auto qp = std::make_shared<Query>(std::move(q));
  read<QueryResult>([this, qp](Db& db) { return run_query(db, *qp, composites(qp->app, qp->collection, true)); },
                    std::move(done));
}

void SqliteStore::read_changes(std::string app, std::string collection, int64_t after_seq, int limit,
                               Callback<std::vector<Change>> done) {
  read<std::vector<Change>>(
      [=](Db& db) -> Result<std::vector<Change>> {
        auto st = db.stmt(
            "SELECT seq, col, id, kind, doc FROM changes WHERE app=?1 AND seq>?2 AND (?3 = '' OR col = ?3) "
            "ORDER BY seq LIMIT ?4");
        st.bind(1, app).bind(2, after_seq).bind(3, collection).bind(4, static_cast<int64_t>(limit));
        std::vector<Change> out;
        Status s;
        while (st.step(s)) {
          out.push_back(Change{app, std::string(st.text(1)), st.int64(0), static_cast<ChangeKind>(st.int64(3)),
                               std::string(st.text(2)), std::string(st.text(4))});
        }
        if (!s) return s;
        return out;
      },
      std::move(done));
}

void SqliteStore::get_meta_prefix(std::string prefix, Callback<std::vector<std::pair<std::string, std::string>>> done) {
  using Rows = std::vector<std::pair<std::string, std::string>>;
  read<Rows>(
      [=](Db& db) -> Result<Rows> {
        auto st = db.stmt("SELECT key, value FROM meta WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key");
        st.bind(1, prefix);
        Rows out;
        Status s;
        while (st.step(s)) out.emplace_back(std::string(st.text(0)), std::string(st.text(1)));
        if (!s) return s;
        return out;
      },
      std::move(done));
}

std::vector<IndexDef> SqliteStore::composites(const std::string& app, const std::string& col, bool ready_only) const {
  std::lock_guard lk(imu_);
  std::vector<IndexDef> out;
  auto it = indexes_.find(app);
  if (it == indexes_.end()) return out;
  for (const auto& def : it->second) {
    if (def.collection == col && (!ready_only || def.state == "ready")) out.push_back(def);
  }
  return out;
}

void SqliteStore::list_indexes(std::string app, Callback<std::vector<IndexDef>> done) {
  std::vector<IndexDef> out;
  {
    std::lock_guard lk(imu_);
    if (auto it = indexes_.find(app); it != indexes_.end()) out = it->second;
  }
  done(std::move(out));
}

void SqliteStore::create_index(std::string app, IndexDef def, Callback<IndexDef> done) {
  def.name = index_name(def.collection, def.fields);
  {
    std::lock_guard lk(imu_);
    for (const auto& d : indexes_[app]) {
      if (d.name == def.name) return done(d);
    }
  }
  def.state = "building";
  auto d = std::make_shared<IndexDef>(std::move(def));
  enqueue({[this, app, d](Txn& t) -> Status {
             if (Status s = save_index(t.db, app, *d); !s) return s;
             std::lock_guard lk(imu_);
             auto& defs = indexes_[app];
             if (std::none_of(defs.begin(), defs.end(), [&](const IndexDef& x) { return x.name == d->name; })) {
               t.undo.push_back([this, app, name = d->name] { forget_index(app, name); });
               defs.push_back(*d);
             }
             return Status::ok();
           },
           [this, app, d, done = std::move(done)](Status s) {
             if (!s) return done(std::move(s));
             done(*d);
             schedule_backfill(app, *d, "");
           }});
}

void SqliteStore::schedule_backfill(std::string app, IndexDef def, std::string after) {
  auto next = std::make_shared<std::string>();
  auto d = std::make_shared<IndexDef>(std::move(def));
  enqueue({[this, app, d, after, next](Txn& t) -> Status {
             auto defs = composites(app, d->collection, false);
             if (std::none_of(defs.begin(), defs.end(), [&](const IndexDef& x) { return x.name == d->name; })) {
               return Status::ok();  // dropped meanwhile
             }
             auto r = backfill_index(t.db, app, *d, after, 500);
             if (!r) return r.status();
             *next = *r;
             if (!next->empty()) return Status::ok();
             d->state = "ready";
             return save_index(t.db, app, *d);
           },
           [this, app, d, next](Status s) {
             if (!s) {  // the index stays "building" (never used by queries): say why
               std::fprintf(stderr, "storage: building index %s stopped: %s\n", d->name.c_str(), s.message().c_str());
               return;
             }
             if (!next->empty()) return schedule_backfill(app, *d, *next);
             // Only now that the entries are committed may readers plan with the index.
             std::lock_guard lk(imu_);
             for (auto& x : indexes_[app]) {
               if (x.name == d->name) x.state = "ready";
             }
           }});
}

void SqliteStore::forget_index(const std::string& app, const std::string& name) {
  std::lock_guard lk(imu_);
  auto& defs = indexes_[app];
  defs.erase(std::remove_if(defs.begin(), defs.end(), [&](const IndexDef& x) { return x.name == name; }), defs.end());
}

void SqliteStore::drop_index(std::string app, std::string name, StatusCallback done) {
  enqueue({[this, app, name](Txn& t) -> Status {
             {
               std::lock_guard lk(imu_);
               auto& defs = indexes_[app];
               auto it = std::find_if(defs.begin(), defs.end(), [&](const IndexDef& x) { return x.name == name; });
               if (it == defs.end()) return not_found("no index named " + name);
               t.undo.push_back([this, app, def = *it] {
                 std::lock_guard l(imu_);
                 indexes_[app].push_back(def);
               });
               defs.erase(it);
             }
             return delete_index(t.db, app, name);
           },
           std::move(done)});
}

}  // namespace headroom::storage::sqlite
