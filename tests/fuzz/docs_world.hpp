#pragma once
// The document API's routes over a Store that only records what reaches it and answers at once,
// for fuzz targets that drive request bodies through the real handlers (parse, validate, rules)
// and check what the store was asked to do.
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "docs/documents.hpp"
#include "docs/jwt.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"
#include "storage/store.hpp"

namespace headroom::fuzz {

#define CHECK(cond) \
  if (!(cond)) std::abort()

// What the last request made the store do.
struct StoreCalls {
  std::optional<storage::WriteBatch> write;
  std::optional<storage::IndexDef> created;
  std::optional<std::string> dropped;
  void clear() { *this = {}; }
};

class RecordingStore final : public storage::Store {
 public:
  explicit RecordingStore(StoreCalls& calls) : calls_(calls) {}

  void write(storage::WriteBatch batch, storage::Callback<std::vector<storage::WriteResult>> done) override {
    std::vector<storage::WriteResult> results;
    for (const auto& op : batch.ops) {
      storage::WriteResult r;
      r.changed = true;
      r.kind = op.kind == storage::OpKind::kDelete ? storage::ChangeKind::kRemoved : storage::ChangeKind::kAdded;
      r.seq = static_cast<int64_t>(results.size()) + 1;
      // As the real store answers: the stored text is the validated value serialized once.
      r.doc = {op.id, 1, op.owner, 1, 1, op.kind == storage::OpKind::kDelete ? "{}" : boost::json::serialize(op.data)};
      results.push_back(std::move(r));
    }
    calls_.write = std::move(batch);
    done(std::move(results));
  }
  void get(std::string, std::string, std::string, storage::Callback<std::optional<storage::Document>> done) override {
    done(std::optional<storage::Document>());
  }
  void query(storage::Query, storage::Callback<storage::QueryResult> done) override { done(storage::QueryResult{}); }
  void create_index(std::string, storage::IndexDef def, storage::Callback<storage::IndexDef> done) override {
    def.name = storage::index_name(def.collection, def.fields);
    def.state = "ready";
    calls_.created = def;
    done(std::move(def));
  }
  void list_indexes(std::string, storage::Callback<std::vector<storage::IndexDef>> done) override {
    done(std::vector<storage::IndexDef>());
  }
  void drop_index(std::string, std::string name, storage::StatusCallback done) override {
    calls_.dropped = std::move(name);
    done(Status::ok());
  }
  void read_changes(std::string, std::string, int64_t, int,
                    storage::Callback<std::vector<storage::Change>> done) override {
    done(std::vector<storage::Change>());
  }
  void add_change_listener(ChangeListener) override {}
  void put_meta(std::string, std::string, storage::StatusCallback done) override { done(Status::ok()); }
  void get_meta_prefix(std::string, storage::Callback<std::vector<std::pair<std::string, std::string>>> done) override {
    done(std::vector<std::pair<std::string, std::string>>());
  }
  std::string health() const override { return ""; }
  storage::StoreStats stats() const override { return {}; }
  void close() override {}

 private:
  StoreCalls& calls_;
};

// One app ("app1", secret "secret123", admin token "admin-token") with a public, an owner-only
// and a server-only collection; other collections keep the default rules (authenticated).
class DocsWorld {
 public:
  DocsWorld() {
    config::AppConfig app;
    app.id = "app1";
    app.key = "key1";
    app.secret = "secret123";
    app.collections["pub"] = {"public", "public", ""};
    app.collections["mine"] = {"owner", "owner", ""};
    app.collections["srv"] = {"public", "server", ""};
    config_.apps.push_back(app);
    config_.admin.token = "admin-token";
    config_.quotas.writes_per_day = 0;
    config_.quotas.deletes_per_day = 0;
    config_.quotas.reads_per_day = 0;
    docs_ = std::make_unique<docs::Documents>(config_, clock_, metrics_, std::make_unique<RecordingStore>(calls));
    docs_->add_routes(router_);
  }

  // Credentials by number: 0 none, 1 a user's token, 2 a server token, 3 the admin token,
  // 4 a malformed token.
  std::pair<std::string, std::string> credentials(int which) const {
    const int64_t now = clock_.unix_ms() / 1000;
    switch (which % 5) {
      case 1:
        return {"authorization",
                "Bearer " + docs::mint_jwt("secret123", "alice", http::Tier::kAuthenticated, now, 3600)};
      case 2:
        return {"authorization", "Bearer " + docs::mint_jwt("secret123", "backend", http::Tier::kServer, now, 3600)};
      case 3:
        return {"authorization", "Bearer admin-token"};
      case 4:
        return {"authorization", "Bearer not.a.token"};
      default:
        return {"x-none", ""};
    }
  }

  // Routes the request and returns the response its handler gave (the store answers inline).
  http::Response call(http::Method method, std::string path, std::string body, int credentials_kind) {
    calls.clear();
    http::Request req;
    req.method = method;
    req.target = path;
    req.path = std::move(path);
    req.body = std::move(body);
    req.headers.push_back(credentials(credentials_kind));
    auto match = router_.match(req);
    CHECK(match.route != nullptr);
    std::optional<http::Response> out;
    int answers = 0;
    match.route->handler(req, [&](http::Response r) {
      ++answers;
      out = std::move(r);
    });
    CHECK(answers == 1);  // a Responder is called exactly once
    return std::move(*out);
  }

  StoreCalls calls;

 private:
  FakeClock clock_;
  metrics::Registry metrics_;
  config::Config config_;
  http::Router router_;
  std::unique_ptr<docs::Documents> docs_;
};

// The documented error statuses of /v1 (DESIGN.md §2).
inline bool documented_error(int status) {
  for (int s : {400, 401, 403, 404, 409, 412, 413, 429, 503}) {
    if (status == s) return true;
  }
  return false;
}

}  // namespace headroom::fuzz
