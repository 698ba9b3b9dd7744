#pragma once
// The document API's routes over the REAL SqliteStore, for fuzz targets that check what a write
// leaves in storage (docs_world.hpp records calls instead). One app ("app1") with a public
// collection "pub"; other collections keep the default rules. Every request carries a server
// token, so rules never refuse; quotas are off. The database lives in a temp dir made once per
// process, on /dev/shm when there is one (an fsync costs nothing there, so a run executes more
// inputs), and removed when the world is destroyed or a check fails.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "docs/documents.hpp"
#include "docs/jwt.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace headroom::fuzz {

// The running world's database directory. A failed check removes it before abort() (which runs
// no destructor), so findings do not leave databases behind in /dev/shm.
inline std::string& database_dir() {
  static std::string dir;
  return dir;
}

[[noreturn]] inline void check_failed(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: CHECK(%s) failed\n", file, line, cond);
  std::error_code ec;
  if (!database_dir().empty()) std::filesystem::remove_all(database_dir(), ec);
  std::abort();
}

#ifndef CHECK
#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) ::headroom::fuzz::check_failed(#cond, __FILE__, __LINE__); \
  } while (0)
#endif

class SqliteDocsWorld {
 public:
  SqliteDocsWorld() : dir_(make_temp_dir()) {
    database_dir() = dir_;
    config::AppConfig app;
    app.id = "app1";
    app.key = "key1";
    app.secret = "secret123";
    app.collections["pub"] = {"public", "public", ""};
    config_.apps.push_back(app);
    config_.quotas.writes_per_day = 0;
    config_.quotas.deletes_per_day = 0;
    config_.quotas.reads_per_day = 0;
    storage::sqlite::SqliteOptions o;
    o.path = dir_ + "/headroom.db";
    o.clock = &clock_;
    auto store = storage::sqlite::SqliteStore::open(o);
    if (!store) {
      std::fprintf(stderr, "cannot open the store in %s: %s\n", dir_.c_str(), store.status().message().c_str());
      std::abort();
    }
    store_ = store->get();
    docs_ = std::make_unique<docs::Documents>(config_, clock_, metrics_, std::move(*store));
    docs_->add_routes(router_);
    // The fake clock never moves, so the token stays valid for the whole run.
    token_ = "Bearer " + docs::mint_jwt("secret123", "backend", http::Tier::kServer, clock_.unix_ms() / 1000, 3600);
  }
  SqliteDocsWorld(const SqliteDocsWorld&) = delete;
  SqliteDocsWorld& operator=(const SqliteDocsWorld&) = delete;
  ~SqliteDocsWorld() {
    docs_.reset();  // closes the store
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    database_dir().clear();
  }

  // Routes the request as the server would and waits for the store's threads to answer.
  http::Response call(http::Method method, std::string target, std::string body) {
    http::Request req;
    req.method = method;
    req.target = target;
    req.path = std::move(target);
    req.body = std::move(body);
    req.headers.push_back({"authorization", token_});
    auto match = router_.match(req);
    CHECK(match.route != nullptr);
    std::promise<http::Response> answer;
    auto got = answer.get_future();
    match.route->handler(req, [&answer](http::Response r) { answer.set_value(std::move(r)); });
    return got.get();  // a second answer would throw from set_value: a Responder answers once
  }

  // Every change of app1 with seq > after_seq, oldest first.
  std::vector<storage::Change> changes_after(int64_t after_seq) {
    std::vector<storage::Change> all;
    for (;;) {
      std::promise<Result<std::vector<storage::Change>>> p;
      auto f = p.get_future();
      store_->read_changes("app1", "", after_seq, 1000,
                           [&p](Result<std::vector<storage::Change>> r) { p.set_value(std::move(r)); });
      auto page = f.get();
      CHECK(page.is_ok());
      if (page->empty()) return all;
      after_seq = page->back().seq;
      for (auto& c : *page) all.push_back(std::move(c));
    }
  }

  // Writes straight to the store (no route), e.g. to reset state between inputs.
  void write_directly(storage::WriteBatch batch) {
    std::promise<Result<std::vector<storage::WriteResult>>> p;
    auto f = p.get_future();
    store_->write(std::move(batch), [&p](Result<std::vector<storage::WriteResult>> r) { p.set_value(std::move(r)); });
    CHECK(f.get().is_ok());
  }

 private:
  static std::string make_temp_dir() {
    std::string base =
        std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path().string();
    std::string tmpl = base + "/headroom-fuzz-XXXXXX";
    if (!mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    return tmpl;
  }

  std::string dir_;
  FakeClock clock_;
  metrics::Registry metrics_;
  config::Config config_;
  http::Router router_;
  storage::Store* store_ = nullptr;  // owned by docs_
  std::unique_ptr<docs::Documents> docs_;
  std::string token_;
};

}  // namespace headroom::fuzz
