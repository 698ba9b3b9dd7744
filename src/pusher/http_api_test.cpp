#include "pusher/http_api.hpp"

#include <gtest/gtest.h>

#include "core/manual_executor.hpp"
#include "pusher/auth.hpp"
#include "pusher/hub.hpp"

namespace headroom::pusher {
namespace {

struct ApiFixture : ::testing::Test {
  ApiFixture() {
    config::AppConfig app;
    app.id = "1";
    app.key = "key";
    app.secret = "secret";
    app.max_event_payload_kb = 1;
    config.apps.push_back(app);
    backends = std::make_unique<InMemoryChannelBackends>(config, clock, changes);
    hub = std::make_unique<Hub>(config, clock, stats, backends->refs(), nullptr);
  }
  http::Response call(http::Method m, const std::string& path, const std::string& route, const std::string& body = "",
                      const std::string& extra = "", std::vector<std::pair<std::string, std::string>> params = {}) {
    http::Request req;
    req.method = m;
    req.path = path;
    req.body = body;
    req.query = sign_api_query(config.apps[0], http::method_name(m), path, body, clock.unix_ms() / 1000, extra);
    req.params = {{"app_id", "1"}};
    for (auto& p : params) req.params.push_back(p);
    return handle_api_request_now(*hub, req, route);
  }
  FakeClock clock;
  metrics::Registry registry;
  Stats stats{registry};
  storage::ChangeBus changes;
  std::unique_ptr<InMemoryChannelBackends> backends;
  config::Config config;
  std::unique_ptr<Hub> hub;
};

}  // namespace

TEST_F(ApiFixture, TriggersAndAnswersEmptyObject) {
  auto res = call(http::Method::kPost, "/apps/1/events", "events", R"({"name":"e","channels":["a","b"],"data":"x"})");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "{}");
  EXPECT_EQ(stats.events_published.value(), 2u);
  EXPECT_EQ(stats.api_ok.value(), 1u);
}

TEST_F(ApiFixture, ErrorsAreRealStatuses) {
  EXPECT_EQ(call(http::Method::kPost, "/apps/1/events", "events", "not json").status, 400);
  EXPECT_EQ(call(http::Method::kPost, "/apps/1/events", "events", R"({"name":"e","channels":["bad name"],"data":"x"})")
                .status,
            400);
  std::string many = R"({"name":"e","data":"x","channels":[)";
  for (int i = 0; i < 101; ++i) many += (i ? ",\"c" : "\"c") + std::to_string(i) + "\"";
  EXPECT_EQ(call(http::Method::kPost, "/apps/1/events", "events", many + "]}").status, 400);
  const std::string big = R"({"name":"e","channel":"a","data":")" + std::string(1025, 'x') + "\"}";
  EXPECT_EQ(call(http::Method::kPost, "/apps/1/events", "events", big).status, 413);
  http::Request unsigned_req;
  unsigned_req.method = http::Method::kPost;
  unsigned_req.path = "/apps/1/events";
  unsigned_req.body = "{}";
  unsigned_req.params = {{"app_id", "1"}};
  EXPECT_EQ(handle_api_request_now(*hub, unsigned_req, "events").status, 401);
  unsigned_req.params = {{"app_id", "2"}};
  EXPECT_EQ(handle_api_request_now(*hub, unsigned_req, "events").status, 404);
  EXPECT_EQ(stats.api_unauthorized.value(), 1u);
  EXPECT_EQ(stats.api_too_large.value(), 1u);
}

TEST_F(ApiFixture, FailedSignaturesGoToTheSecuritySink) {
  std::vector<std::string> seen;
  hub->set_security_sink([&](const http::Request& req, std::string_view signal) {
    seen.push_back(req.remote_ip + " " + std::string(signal));
  });
  http::Request forged;
  forged.method = http::Method::kPost;
  forged.path = "/apps/1/events";
  forged.remote_ip = "198.51.100.7";
  forged.body = R"({"name":"e","channel":"a","data":"x"})";
  forged.query = sign_api_query(config.apps[0], "POST", forged.path, forged.body, clock.unix_ms() / 1000) + "0";
  forged.params = {{"app_id", "1"}};
  EXPECT_EQ(handle_api_request_now(*hub, forged, "events").status, 401);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "198.51.100.7 bad_signature");
  // A good signature reports nothing.
  EXPECT_EQ(call(http::Method::kPost, "/apps/1/events", "events", R"({"name":"e","channel":"a","data":"x"})").status,
            200);
  EXPECT_EQ(seen.size(), 1u);
}

TEST_F(ApiFixture, BatchIsAllOrNothingAndAtMostTen) {
  std::string batch = R"({"batch":[)";
  for (int i = 0; i < 11; ++i) batch += std::string(i ? "," : "") + R"({"name":"e","channel":"a","data":"x"})";
  EXPECT_EQ(call(http::Method::kPost, "/apps/1/batch_events", "batch_events", batch + "]}").status, 400);
  auto bad = call(http::Method::kPost, "/apps/1/batch_events", "batch_events",
                  R"({"batch":[{"name":"e","channel":"a","data":"x"},{"name":"","channel":"a"}]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(stats.events_published.value(), 0u);
  auto ok = call(http::Method::kPost, "/apps/1/batch_events", "batch_events",
                 R"({"batch":[{"name":"e","channel":"a","data":"x","info":"subscription_count"}]})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"batch":[{"subscription_count":0}]})");
}

TEST_F(ApiFixture, ChannelQueries) {
  ASSERT_TRUE(backends->state.join("1", "presence-r", nullptr, 0));
  auto list = call(http::Method::kGet, "/apps/1/channels", "channels");
  EXPECT_EQ(list.body, R"({"channels":{"presence-r":{}}})");
  EXPECT_EQ(
      call(http::Method::kGet, "/apps/1/channels/news", "channel", "", "info=user_count", {{"channel_name", "news"}})
          .status,
      400);
  EXPECT_EQ(call(http::Method::kGet, "/apps/1/channels/news/users", "users", "", "", {{"channel_name", "news"}}).status,
            400);
  auto info =
      call(http::Method::kGet, "/apps/1/channels/presence-r", "channel", "", "", {{"channel_name", "presence-r"}});
  EXPECT_EQ(info.body, R"({"occupied":true,"subscription_count":1,"user_count":0})");
}

}  // namespace headroom::pusher

namespace headroom::pusher {

TEST_F(ApiFixture, BackendEventLimitAnswers429) {
  config.apps[0].max_backend_events_per_sec = 2;
  const std::string body = R"({"name":"e","channels":["a","b"],"data":"x"})";
  EXPECT_EQ(call(http::Method::kPost, "/apps/1/events", "events", body).status, 200);
  auto res = call(http::Method::kPost, "/apps/1/events", "events", body);
  EXPECT_EQ(res.status, 429);
  clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(call(http::Method::kPost, "/apps/1/events", "events", body).status, 200);
  EXPECT_EQ(stats.api_rate_limited.value(), 1u);
}

}  // namespace headroom::pusher
