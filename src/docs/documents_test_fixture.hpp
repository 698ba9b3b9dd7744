#pragma once
// The document API through its routes, without a network: requests go to the Router's handlers
// (as the server registers them) over a real SqliteStore in a temp dir, and a call waits for the
// Responder. Shared by documents_test, roundtrip_test and etag_test.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <stdexcept>

#include "docs/documents.hpp"
#include "docs/jwt.hpp"
#include "storage/json_parse.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/store_conformance.hpp"

namespace headroom::docs {
namespace json = boost::json;

class DocumentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = storage::testing::temp_dir("docs");
    config::AppConfig app;
    app.id = "app1";
    app.key = "key1";
    app.secret = "secret123";
    app.collections["pub"] = {"public", "public", ""};
    app.collections["mine"] = {"owner", "owner", ""};
    app.collections["srv"] = {"public", "server", ""};
    config_.apps.push_back(app);
    config_.quotas.writes_per_day = 50;
    open();
  }
  void open() {
    storage::sqlite::SqliteOptions o;
    o.path = dir_ + "/headroom.db";
    o.clock = &clock_;
    o.before_read = [this] {
      if (reads_throw_) throw std::runtime_error("read injected by the test");
    };
    o.after_write = [this] {
      if (writes_throw_) throw std::runtime_error("write injected by the test");
    };
    auto store = storage::sqlite::SqliteStore::open(o);
    ASSERT_TRUE(store);
    sqlite_ = store->get();
    router_ = std::make_unique<http::Router>();
    docs_ = std::make_unique<Documents>(config_, clock_, metrics_, std::move(*store));
    docs_->quotas().load();
    docs_->add_routes(*router_);
  }
  void TearDown() override {
    docs_.reset();
    std::filesystem::remove_all(dir_);
  }

  http::Response call(http::Method m, std::string target, std::string body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request req;
    req.method = m;
    req.target = target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    req.body = std::move(body);
    req.headers = std::move(headers);
    auto match = router_->match(req);
    if (!match.route) return http::error_response(Code::kNotFound, "no route");
    auto p = std::make_shared<std::promise<http::Response>>();
    auto f = p->get_future();
    match.route->handler(req, [p](http::Response r) { p->set_value(std::move(r)); });
    if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << target << ": no response within 10 s (the request would hang)";
      return http::error_response(Code::kUnavailable, "test: no response");
    }
    return f.get();
  }
  std::pair<std::string, std::string> bearer(const std::string& sub, http::Tier tier = http::Tier::kAuthenticated) {
    return {"authorization", "Bearer " + mint_jwt("secret123", sub, tier, clock_.unix_ms() / 1000, 3600)};
  }
  // Parsed as the server parses (64 levels): documents may nest deeper than json::parse allows.
  static json::value body(const http::Response& r) {
    auto v = storage::parse_json_exact(r.body_view());
    EXPECT_TRUE(v) << v.status().message();
    return v ? std::move(*v) : json::value();
  }
  static std::string header(const http::Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }
  static std::string code(const http::Response& r) { return std::string(body(r).at("error").at("code").as_string()); }

  std::string dir_;
  FakeClock clock_;
  config::Config config_;
  metrics::Registry metrics_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<Documents> docs_;
  storage::sqlite::SqliteStore* sqlite_ = nullptr;  // owned by docs_
  // The store's test hooks throw while these are set.
  std::atomic<bool> reads_throw_{false};
  std::atomic<bool> writes_throw_{false};
};

constexpr auto kGet = http::Method::kGet;
constexpr auto kPut = http::Method::kPut;
constexpr auto kPost = http::Method::kPost;
constexpr auto kPatch = http::Method::kPatch;
constexpr auto kDelete = http::Method::kDelete;
inline const std::string kDocs = "/v1/apps/app1/collections/pub/docs";

}  // namespace headroom::docs
