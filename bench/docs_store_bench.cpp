// Store-level benchmark of the SQLite document store (no HTTP):
//   durable writes/s with 64 concurrent writers (each waits for its acknowledgement),
//   point reads/s with 64 concurrent readers,
//   a 2-field query (g == v ORDER BY n DESC LIMIT 10) with its composite index and by scanning.
// Run: build-docs/src/storage/docs_store_bench [seconds-per-phase] [dir] [full]
#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_store.hpp"

using namespace headroom;
using namespace headroom::storage;
using namespace headroom::storage::sqlite;
using Clock_ = std::chrono::steady_clock;

namespace {

template <typename T>
Result<T> wait(std::function<void(Callback<T>)> start) {
  std::promise<Result<T>> p;
  auto f = p.get_future();
  start([&p](Result<T> r) { p.set_value(std::move(r)); });
  return f.get();
}

std::string doc_json(int i) {
  return "{\"g\":\"g" + std::to_string(i % 10) + "\",\"n\":" + std::to_string(i) + ",\"title\":\"document number " +
         std::to_string(i) + "\",\"tags\":[\"a\",\"b\"]}";
}

double run_threads(int threads, double seconds, const std::function<bool(int, long)>& op, long& total) {
  std::atomic<long> count{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> ts;
  auto start = Clock_::now();
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      for (long i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        if (op(t, i)) count.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : ts) th.join();
  double elapsed = std::chrono::duration<double>(Clock_::now() - start).count();
  total = count.load();
  return static_cast<double>(total) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  double secs = argc > 1 ? std::atof(argv[1]) : 5.0;
  std::string dir = argc > 2 ? argv[2] : (std::filesystem::temp_directory_path() / "headroom-docs-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  SqliteOptions opt;
  opt.path = dir + "/headroom.db";
  if (argc > 3 && std::string(argv[3]) == "full") opt.durability = SqliteOptions::Durability::kFullSync;
  if (const char* ps = std::getenv("PAGE_SIZE")) opt.page_size = std::atoi(ps);
  if (const char* wr = std::getenv("WAL_RESTART_FRAMES")) opt.wal_restart_frames = std::atoi(wr);
  auto opened = SqliteStore::open(opt);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.status().message().c_str());
    return 1;
  }
  SqliteStore& store = **opened;

  // 64 concurrent writers, each issuing its next write when the previous one is acknowledged
  // (from the completion callback, so the benchmark itself needs no threads).
  std::atomic<long> acked{0};
  std::atomic<bool> stop{false};
  std::atomic<int> active{64};
  std::promise<void> drained;
  std::function<void(int, long)> issue = [&](int t, long i) {
    if (stop.load()) {
      if (--active == 0) drained.set_value();
      return;
    }
    WriteBatch b{"bench",
                 {WriteOp{OpKind::kPut,
                          "docs",
                          std::to_string(t) + "-" + std::to_string(i),
                          boost::json::parse(doc_json(static_cast<int>(t * 100000 + i))).as_object(),
                          "owner",
                          {}}}};
    store.write(std::move(b), [&, t, i](Result<std::vector<WriteResult>> r) {
      if (r) acked.fetch_add(1);
      issue(t, i + 1);
    });
  };
  auto w0 = Clock_::now();
  for (int t = 0; t < 64; ++t) issue(t, 0);
  std::this_thread::sleep_for(std::chrono::duration<double>(secs));
  stop = true;
  drained.get_future().wait();
  double welapsed = std::chrono::duration<double>(Clock_::now() - w0).count();
  long writes = acked.load();
  double wps = static_cast<double>(writes) / welapsed;
  std::printf(
      "durable writes/s (64 concurrent writers, %s): %.0f  (%ld writes, %llu commits, %.1f writes/commit, %llu WAL "
      "restarts)\n",
      opt.durability == SqliteOptions::Durability::kFullSync ? "synchronous=FULL" : "pipelined WAL fdatasync", wps,
      writes, static_cast<unsigned long long>(store.commits()),
      static_cast<double>(store.committed_writes()) / static_cast<double>(std::max<uint64_t>(1, store.commits())),
      static_cast<unsigned long long>(store.wal_restarts()));

  if (std::getenv("WRITES_ONLY")) {
    store.close();
    return 0;
  }
  long reads = 0;
  double rps = run_threads(
      64, secs,
      [&](int t, long i) {
        std::string id = std::to_string(t) + "-" + std::to_string(i % std::max(1L, writes / 64));
        return wait<std::optional<Document>>([&](auto cb) { store.get("bench", "docs", id, cb); }).is_ok();
      },
      reads);
  std::printf("point reads/s (64 readers, %d reader threads): %.0f\n", opt.readers, rps);

  Query q;
  q.app = "bench";
  q.collection = "docs";
  q.where.push_back({"g", FilterOp::kEq, boost::json::string("g3")});
  q.order_by.push_back({"n", true});
  q.limit = 10;
  q.allow_scan = true;
  long scans = 0;
  double scan_qps = run_threads(
      4, secs, [&](int, long) { return wait<QueryResult>([&](auto cb) { store.query(q, cb); }).is_ok(); }, scans);
  std::printf("2-field query without index (scan of %ld docs): %.1f queries/s\n", writes, scan_qps);
  auto def = wait<IndexDef>([&](auto cb) {
    store.create_index("bench", {"", "docs", {{"g", false}, {"n", true}}, ""}, cb);
  });
  auto t0 = Clock_::now();
  for (;;) {
    auto list = wait<std::vector<IndexDef>>([&](auto cb) { store.list_indexes("bench", cb); });
    if (list && !list->empty() && list->front().state == "ready") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::printf("composite index built online over %ld docs in %.2f s\n", writes,
              std::chrono::duration<double>(Clock_::now() - t0).count());
  q.allow_scan = false;
  long indexed = 0;
  double idx_qps = run_threads(
      64, secs, [&](int, long) { return wait<QueryResult>([&](auto cb) { store.query(q, cb); }).is_ok(); }, indexed);
  std::printf("2-field query with index: %.0f queries/s\n", idx_qps);
  store.close();
  std::filesystem::remove_all(dir);
  return 0;
}
