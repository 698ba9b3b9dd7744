// Issue 12: an exception on a store thread is answered INTERNAL and counted; it never leaves a
// request waiting forever, never answers a callback twice and never leaves half a write behind.
// The throws come from the test hooks SqliteOptions::before_read / after_write.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <latch>
#include <optional>
#include <stdexcept>
#include <thread>

#include "storage/sqlite/sqlite_store.hpp"
#include "storage/store_conformance.hpp"

namespace headroom::storage::sqlite {
namespace {
using storage::testing::get_sync;
using storage::testing::object_from;
using storage::testing::put_sync;
using Durability = SqliteOptions::Durability;

// The answer, or nullopt when none came within 5 s (the request would hang).
template <typename T, typename Fn>
std::optional<Result<T>> answer_within_5s(Fn&& start) {
  auto p = std::make_shared<std::promise<Result<T>>>();
  auto f = p->get_future();
  start([p](Result<T> r) { p->set_value(std::move(r)); });
  if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return std::nullopt;
  return f.get();
}

// Throws from the hook on its `nth` call (1-based) only.
struct ThrowOnCall {
  std::atomic<int> calls{0};
  int nth = 1;
  void operator()() {
    if (++calls == nth) throw std::runtime_error("injected by the test");
  }
};

Query all_of_c() {
  Query q;
  q.app = "app";
  q.collection = "c";
  return q;
}

WriteOp put_op(const std::string& id) {
  auto data = object_from(R"({"n":1})");
  return WriteOp{OpKind::kPut, "c", id, std::move(*data), "", {}};
}

class SqliteExceptionsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = storage::testing::temp_dir("sqlite_exc"); }
  void TearDown() override {
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
  }
  SqliteStore& open(Durability d = Durability::kPipelined) {
    opt_.path = dir_ + "/headroom.db";
    opt_.durability = d;
    opt_.readers = 1;  // reads answered in order: a later read's answer means an earlier one is done
    auto s = SqliteStore::open(opt_);
    EXPECT_TRUE(s) << s.status().message();
    store_ = std::move(*s);
    return *store_;
  }
  // The store's own record of which writes committed.
  size_t changes_logged() {
    auto r = answer_within_5s<std::vector<Change>>([&](auto cb) { store_->read_changes("app", "", 0, 100, cb); });
    EXPECT_TRUE(r && *r);
    return r && *r ? (*r)->size() : 0;
  }

  std::string dir_;
  SqliteOptions opt_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteExceptionsTest, AReadThatThrowsIsAnsweredInternalAndCountedAndTheNextReadIsServed) {
  auto hook = std::make_shared<ThrowOnCall>();
  opt_.before_read = [hook] { (*hook)(); };
  SqliteStore& store = open();
  ASSERT_TRUE(put_sync(store, "app", "c", "d", "{}"));
  auto r = answer_within_5s<std::optional<Document>>([&](auto cb) { store.get("app", "c", "d", cb); });
  ASSERT_TRUE(r) << "no answer within 5 s: the read was swallowed";
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->status().code(), Code::kInternal);
  EXPECT_EQ(r->status().message().find("injected"), std::string::npos) << "what() goes to the log, not to clients";
  EXPECT_EQ(store.exceptions(StoreThread::kReader), 1u);
  auto next = get_sync(store, "app", "c", "d");
  ASSERT_TRUE(next) << next.status().message();
  EXPECT_TRUE(next->has_value());
  EXPECT_EQ(store.exceptions(StoreThread::kReader), 1u);
}

// Every kind of read goes through the same guard; a throw that is not a std::exception too.
TEST_F(SqliteExceptionsTest, EveryKindOfReadAnswersInternalWhenItThrows) {
  std::atomic<bool> throwing{true};
  opt_.before_read = [&] {
    if (throwing) throw 42;
  };
  SqliteStore& store = open();
  auto q = answer_within_5s<QueryResult>([&](auto cb) { store.query(all_of_c(), cb); });
  auto changes = answer_within_5s<std::vector<Change>>([&](auto cb) { store.read_changes("app", "", 0, 10, cb); });
  using Rows = std::vector<std::pair<std::string, std::string>>;
  auto meta = answer_within_5s<Rows>([&](auto cb) { store.get_meta_prefix("x", cb); });
  ASSERT_TRUE(q && changes && meta) << "a read was never answered";
  EXPECT_EQ(q->status().code(), Code::kInternal);
  EXPECT_EQ(changes->status().code(), Code::kInternal);
  EXPECT_EQ(meta->status().code(), Code::kInternal);
  EXPECT_EQ(store.exceptions(StoreThread::kReader), 3u);
  throwing = false;
  auto ok = answer_within_5s<QueryResult>([&](auto cb) { store.query(all_of_c(), cb); });
  ASSERT_TRUE(ok && *ok);
}

// The callback itself throws after it was called: it has answered (maybe half-way), so it is
// not called again with INTERNAL; the throw is counted and the reader goes on.
TEST_F(SqliteExceptionsTest, ACallbackThatThrowsIsNotCalledAgain) {
  SqliteStore& store = open();
  std::atomic<int> calls{0};
  store.get("app", "c", "d", [&](Result<std::optional<Document>>) {
    ++calls;
    throw std::runtime_error("callback bug");
  });
  auto after = answer_within_5s<std::optional<Document>>([&](auto cb) { store.get("app", "c", "d", cb); });
  ASSERT_TRUE(after && *after);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(store.exceptions(StoreThread::kReader), 1u);
}

// A one-operation write runs without a savepoint: when it throws after writing its rows, its
// whole group is rolled back. It answers INTERNAL, nothing of it is stored, the store stays
// healthy and the next write takes the next seq.
TEST_F(SqliteExceptionsTest, AWriteThatThrowsAfterWritingItsRowsAnswersInternalAndLeavesNothing) {
  for (Durability d : {Durability::kPipelined, Durability::kFullSync}) {
    SCOPED_TRACE(d == Durability::kPipelined ? "pipelined" : "full sync");
    auto hook = std::make_shared<ThrowOnCall>();
    opt_.after_write = [hook] { (*hook)(); };
    SqliteStore& store = open(d);
    auto r = answer_within_5s<std::vector<WriteResult>>([&](auto cb) {
      store.write(WriteBatch{"app", {put_op("thrown")}}, cb);
    });
    ASSERT_TRUE(r) << "no answer within 5 s";
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->status().code(), Code::kInternal);
    EXPECT_EQ(store.exceptions(StoreThread::kWriter), 1u);
    EXPECT_EQ(store.health(), "") << "a write that threw is not a storage failure";
    EXPECT_FALSE(get_sync(store, "app", "c", "thrown")->has_value());
    auto next = put_sync(store, "app", "c", "next", "{}");
    ASSERT_TRUE(next) << next.status().message();
    EXPECT_EQ(next->seq, 1) << "the thrown write took no seq";
    EXPECT_EQ(changes_logged(), 1u);
    store_->close();
    store_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
}

// A batch runs in its own savepoint: a throw undoes every op of it, and only it.
TEST_F(SqliteExceptionsTest, ABatchThatThrowsLeavesNoneOfItsOps) {
  auto hook = std::make_shared<ThrowOnCall>();
  opt_.after_write = [hook] { (*hook)(); };
  SqliteStore& store = open();
  auto r = answer_within_5s<std::vector<WriteResult>>([&](auto cb) {
    store.write(WriteBatch{"app", {put_op("a"), put_op("b")}}, cb);
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status().code(), Code::kInternal);
  EXPECT_FALSE(get_sync(store, "app", "c", "a")->has_value());
  EXPECT_FALSE(get_sync(store, "app", "c", "b")->has_value());
  EXPECT_EQ(changes_logged(), 0u);
  EXPECT_EQ(store.exceptions(StoreThread::kWriter), 1u);
}

// One write throwing in the middle of a group fails alone: the others in its transaction are
// committed again without it (before this fix the group failed UNAVAILABLE and the store refused
// every write until restart).
TEST_F(SqliteExceptionsTest, AThrowingWriteInAGroupFailsAloneAndTheOthersCommit) {
  std::latch hold(1);
  std::atomic<int> calls{0};
  opt_.after_write = [&] {
    int n = ++calls;
    if (n == 1) hold.wait();  // the first write holds the writer while the group queues up
    if (n == 4) throw std::runtime_error("injected");
  };
  SqliteStore& store = open();
  std::vector<std::shared_ptr<std::promise<Result<std::vector<WriteResult>>>>> answers;
  for (const char* id : {"blocker", "w0", "w1", "w2", "w3", "w4"}) {
    auto p = std::make_shared<std::promise<Result<std::vector<WriteResult>>>>();
    answers.push_back(p);
    store.write(WriteBatch{"app", {put_op(id)}}, [p](Result<std::vector<WriteResult>> r) { p->set_value(r); });
  }
  hold.count_down();
  std::vector<Code> codes;
  for (auto& p : answers) {
    auto f = p->get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "a write was never answered";
    auto r = f.get();
    codes.push_back(r ? Code::kOk : r.status().code());
  }
  // Hook calls: 1 blocker, 2 w0, 3 w1, 4 w2 (throws).
  EXPECT_EQ(codes, (std::vector<Code>{Code::kOk, Code::kOk, Code::kOk, Code::kInternal, Code::kOk, Code::kOk}));
  EXPECT_FALSE(get_sync(store, "app", "c", "w2")->has_value());
  EXPECT_TRUE(get_sync(store, "app", "c", "w3")->has_value());
  EXPECT_EQ(changes_logged(), 5u);
  EXPECT_EQ(store.health(), "");
  EXPECT_EQ(store.exceptions(StoreThread::kWriter), 1u);
}

// An index job changes the in-memory catalogue inside the transaction: a throw rolls that back
// too, so no index is listed that the database does not hold (and a dropped one comes back).
TEST_F(SqliteExceptionsTest, AnIndexJobThatThrowsLeavesTheCatalogueAsItWas) {
  std::atomic<bool> throwing{true};
  opt_.after_write = [&] {
    if (throwing) throw std::runtime_error("injected");
  };
  SqliteStore& store = open();
  IndexDef def{"", "c", {{"n", false}, {"m", true}}, ""};
  auto created = answer_within_5s<IndexDef>([&](auto cb) { store.create_index("app", def, cb); });
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status().code(), Code::kInternal);
  auto listed = answer_within_5s<std::vector<IndexDef>>([&](auto cb) { store.list_indexes("app", cb); });
  ASSERT_TRUE(listed && *listed);
  EXPECT_TRUE((*listed)->empty());

  throwing = false;
  created = answer_within_5s<IndexDef>([&](auto cb) { store.create_index("app", def, cb); });
  ASSERT_TRUE(created && *created);
  throwing = true;
  auto p = std::make_shared<std::promise<Status>>();
  store.drop_index("app", (*created)->name, [p](Status s) { p->set_value(s); });
  auto f = p->get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(f.get().code(), Code::kInternal);
  listed = answer_within_5s<std::vector<IndexDef>>([&](auto cb) { store.list_indexes("app", cb); });
  ASSERT_TRUE(listed && *listed);
  ASSERT_EQ((*listed)->size(), 1u);
  EXPECT_EQ((*listed)->front().name, (*created)->name);
}

// A write's callback runs on the syncer thread: when it throws, the syncer counts it and goes on.
TEST_F(SqliteExceptionsTest, AWriteCallbackThatThrowsIsCountedAndTheSyncerGoesOn) {
  SqliteStore& store = open();
  std::atomic<int> calls{0};
  store.write(WriteBatch{"app", {put_op("a")}}, [&](Result<std::vector<WriteResult>>) {
    ++calls;
    throw std::runtime_error("callback bug");
  });
  auto next = put_sync(store, "app", "c", "b", "{}");
  ASSERT_TRUE(next) << next.status().message();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(store.exceptions(StoreThread::kSyncer), 1u);
  EXPECT_EQ(store.exceptions(StoreThread::kWriter), 0u);
  EXPECT_EQ(store.health(), "");
}

TEST(StoreThreadName, NamesEveryThreadForTheMetricLabel) {
  EXPECT_EQ(store_thread_name(StoreThread::kReader), "reader");
  EXPECT_EQ(store_thread_name(StoreThread::kWriter), "writer");
  EXPECT_EQ(store_thread_name(StoreThread::kSyncer), "syncer");
  EXPECT_EQ(store_thread_name(StoreThread::kCheckpointer), "checkpointer");
  EXPECT_EQ(store_thread_name(StoreThread::kCaller), "caller");
}

}  // namespace
}  // namespace headroom::storage::sqlite
