// The document API through its routes, without a network: requests go to the Router's handlers
// and the test waits for the Responder.
#include "docs/documents_test_fixture.hpp"

namespace headroom::docs {
namespace {
namespace json = boost::json;

TEST_F(DocumentsTest, CrudWithEtagsAndPreconditions) {
  auto created = call(kPut, kDocs + "/d1", R"({"title":"a","n":1})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(header(created, "ETag"), "\"1\"");
  EXPECT_EQ(body(created).at("_id"), "d1");
  auto got = call(kGet, kDocs + "/d1");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(body(got).at("title"), "a");
  EXPECT_EQ(call(kGet, kDocs + "/d1", "", {{"if-none-match", "\"1\""}}).status, 304);
  EXPECT_EQ(call(kPut, kDocs + "/d1", "{}", {{"if-none-match", "*"}}).status, 412);
  EXPECT_EQ(call(kPut, kDocs + "/d1", "{}", {{"if-match", "\"7\""}}).status, 412);
  auto patched = call(kPatch, kDocs + "/d1", R"({"n":null,"x":{"y":1}})", {{"if-match", "\"1\""}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(body(patched).at("_version"), 2);
  EXPECT_FALSE(body(patched).as_object().contains("n"));
  EXPECT_EQ(call(kPatch, kDocs + "/nope", "{}").status, 404);
  auto posted = call(kPost, kDocs, R"({"k":1})");
  ASSERT_EQ(posted.status, 201);
  EXPECT_NE(header(posted, "Location").find("/docs/"), std::string::npos);
  EXPECT_EQ(call(kDelete, kDocs + "/d1").status, 204);
  EXPECT_EQ(call(kDelete, kDocs + "/d1").status, 404);
  EXPECT_EQ(call(kGet, kDocs + "/d1").status, 404);
}

TEST_F(DocumentsTest, BadInputGetsV1Errors) {
  auto malformed = call(kPut, kDocs + "/d", "{nope");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(code(malformed), "INVALID_ARGUMENT");
  EXPECT_EQ(call(kPut, kDocs + "/d", "[1,2]").status, 400);
  EXPECT_EQ(call(kPut, "/v1/apps/app1/collections/_x/docs/d", "{}").status, 400);
  EXPECT_EQ(call(kPut, kDocs + "/a%20b", "{}").status, 400);
  EXPECT_EQ(call(kGet, "/v1/apps/nope/collections/pub/docs/d").status, 404);
  auto big = call(kPut, kDocs + "/d", R"({"s":")" + std::string(1 << 20, 'x') + "\"}");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(code(big), "PAYLOAD_TOO_LARGE");
  auto bad_query = call(kPost, "/v1/apps/app1/collections/pub/query", R"({"where":[["a","like",1]]})");
  EXPECT_EQ(bad_query.status, 400);
  EXPECT_NE(body(bad_query).at("error").at("message").as_string().find("unknown operator"), std::string::npos);
  EXPECT_EQ(call(kPut, kDocs + "/d", "{}", {{"if-match", "soon"}}).status, 400);
}

TEST_F(DocumentsTest, QueriesPagesCountsAndExplains) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(call(kPut, kDocs + "/d" + std::to_string(i), R"({"n":)" + std::to_string(i) + R"(,"g":"a"})").status,
              201);
  }
  auto page = call(kGet, kDocs + "?limit=2");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(body(page).at("docs").as_array().size(), 2u);
  std::string next(body(page).at("next").as_string());
  auto page2 = call(kGet, kDocs + "?limit=2&after=" + next);
  EXPECT_EQ(body(page2).at("docs").at(0).at("_id"), "d2");
  EXPECT_EQ(call(kGet, kDocs + "?after=garbage").status, 400);
  auto q = call(kPost, "/v1/apps/app1/collections/pub/query",
                R"({"where":[["n",">=",3]],"orderBy":[["n","desc"]],"explain":true})");
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(body(q).at("docs").at(0).at("_id"), "d4");
  EXPECT_EQ(body(q).at("explain").at("plan"), "index");
  auto count = call(kPost, "/v1/apps/app1/collections/pub/query", R"({"where":[["g","==","a"]],"count":true})");
  EXPECT_EQ(body(count).at("count"), 5);
  auto needs =
      call(kPost, "/v1/apps/app1/collections/pub/query", R"({"where":[["g","==","a"]],"orderBy":[["n","asc"]]})");
  EXPECT_EQ(needs.status, 400);
  EXPECT_EQ(code(needs), "FAILED_PRECONDITION");
  EXPECT_EQ(body(needs).at("error").at("details").at("name"), "pub:g:asc:n:asc");
}

TEST_F(DocumentsTest, IndexesNeedServerTokens) {
  std::string def = R"({"collection":"pub","fields":[["g","asc"],["n","asc"]]})";
  EXPECT_EQ(call(kPost, "/v1/apps/app1/indexes", def).status, 401);
  EXPECT_EQ(call(kPost, "/v1/apps/app1/indexes", def, {bearer("u")}).status, 403);
  auto created = call(kPost, "/v1/apps/app1/indexes", def, {bearer("backend", http::Tier::kServer)});
  EXPECT_EQ(created.status, 202) << created.body;
  EXPECT_EQ(body(created).at("name"), "pub:g:asc:n:asc");
  auto list = call(kGet, "/v1/apps/app1/indexes", "", {bearer("backend", http::Tier::kServer)});
  EXPECT_EQ(body(list).at("indexes").as_array().size(), 1u);
  EXPECT_EQ(call(kDelete, "/v1/apps/app1/indexes/pub:g:asc:n:asc", "", {bearer("b", http::Tier::kServer)}).status, 204);
}

TEST_F(DocumentsTest, RulesAndTokens) {
  const std::string mine = "/v1/apps/app1/collections/mine/docs";
  EXPECT_EQ(call(kPut, mine + "/x", "{}").status, 401);
  auto expired_token = "Bearer " + mint_jwt("secret123", "alice", http::Tier::kAuthenticated, 1000, 10);
  auto expired = call(kPut, mine + "/x", "{}", {{"authorization", expired_token}});
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(body(expired).at("error").at("message"), "token expired");
  EXPECT_EQ(call(kPut, mine + "/x", "{}", {{"authorization", "Bearer junk"}}).status, 401);
  ASSERT_EQ(call(kPut, mine + "/a1", R"({"v":1})", {bearer("alice")}).status, 201);
  ASSERT_EQ(call(kPut, mine + "/b1", R"({"v":2})", {bearer("bob")}).status, 201);
  EXPECT_EQ(call(kPut, mine + "/a1", "{}", {bearer("bob")}).status, 403);
  EXPECT_EQ(call(kGet, mine + "/a1", "", {bearer("bob")}).status, 403);
  EXPECT_EQ(call(kGet, mine + "/a1", "", {bearer("alice")}).status, 200);
  auto list = call(kGet, mine, "", {bearer("alice")});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(body(list).at("docs").as_array().size(), 1u);
  EXPECT_EQ(call(kGet, mine + "/a1", "", {bearer("backend", http::Tier::kServer)}).status, 200);
  EXPECT_EQ(call(kPut, "/v1/apps/app1/collections/srv/docs/x", "{}", {bearer("alice")}).status, 403);
  EXPECT_EQ(call(kPut, "/v1/apps/app1/collections/srv/docs/x", "{}", {bearer("b", http::Tier::kServer)}).status, 201);
  EXPECT_EQ(call(kPut, "/v1/apps/app1/collections/other/docs/x", "{}").status, 401);  // default: authenticated
  http::Request req;
  req.path = "/v1/apps/app1/collections/pub/docs";
  req.headers.push_back(bearer("vip-user", http::Tier::kVip));
  docs_->identify(req);
  EXPECT_EQ(req.tier, http::Tier::kVip);
  EXPECT_EQ(req.subject, "vip-user");
}

TEST_F(DocumentsTest, BatchesAreAtomic) {
  const std::string batch = "/v1/apps/app1/batch";
  auto ok = call(kPost, batch,
                 R"({"ops":[{"op":"create","collection":"pub","id":"b1","data":{"a":1}},
                           {"op":"set","collection":"pub","id":"b2","data":{"a":2}},
                           {"op":"patch","collection":"pub","id":"b1","data":{"b":1},"ifMatch":1}]})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body(ok).at("results").at(2).at("_version"), 2);
  auto failed = call(kPost, batch,
                     R"({"ops":[{"op":"set","collection":"pub","id":"b3","data":{}},
                               {"op":"delete","collection":"pub","id":"b1","ifMatch":1}]})");
  EXPECT_EQ(failed.status, 412);
  EXPECT_EQ(body(failed).at("error").at("details").at("index"), 1);
  EXPECT_EQ(call(kGet, kDocs + "/b3").status, 404);
  EXPECT_EQ(call(kGet, kDocs + "/b1").status, 200);
  EXPECT_EQ(call(kPost, batch, R"({"ops":[]})").status, 400);
  EXPECT_EQ(call(kPost, batch, R"({"ops":[{"op":"explode","collection":"pub","id":"x"}]})").status, 400);
}

TEST_F(DocumentsTest, QuotasCountPersistAndEnforce) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call(kPut, kDocs + "/q" + std::to_string(i), "{}").status, 201);
  EXPECT_EQ(docs_->quotas().used("app1", Quotas::kWrite), 3);
  docs_->flush();
  docs_.reset();
  open();
  EXPECT_EQ(docs_->quotas().used("app1", Quotas::kWrite), 3);
  config_.quotas.enforce = true;
  config_.quotas.writes_per_day = 4;
  EXPECT_EQ(call(kPut, kDocs + "/q9", "{}").status, 201);
  auto over = call(kPut, kDocs + "/q10", "{}");
  EXPECT_EQ(over.status, 429);
  EXPECT_EQ(code(over), "RESOURCE_EXHAUSTED");
  clock_.advance(std::chrono::hours(24));
  EXPECT_EQ(call(kPut, kDocs + "/q10", "{}").status, 201);
  EXPECT_EQ(docs_->quotas().used("app1", Quotas::kWrite), 1);
}

TEST_F(DocumentsTest, UsageReportsTodaysCountsLimitsAndReset) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call(kPut, kDocs + "/u" + std::to_string(i), "{}").status, 201);
  ASSERT_EQ(call(kGet, kDocs + "/u0").status, 200);
  ASSERT_EQ(call(kDelete, kDocs + "/u0").status, 204);
  const std::string usage = "/v1/apps/app1/usage";
  EXPECT_EQ(call(kGet, usage).status, 401);
  EXPECT_EQ(call(kGet, usage, "", {bearer("alice")}).status, 403);
  EXPECT_EQ(call(kGet, "/v1/apps/nope/usage", "", {bearer("srv", http::Tier::kServer)}).status, 404);
  auto res = call(kGet, usage, "", {bearer("backend", http::Tier::kServer)});
  ASSERT_EQ(res.status, 200) << res.body;
  auto b = body(res);
  EXPECT_EQ(b.at("app"), "app1");
  EXPECT_EQ(b.at("writes").at("used"), 3);
  EXPECT_EQ(b.at("writes").at("limit"), 50);
  EXPECT_DOUBLE_EQ(b.at("writes").at("ratio").as_double(), 0.06);
  EXPECT_EQ(b.at("reads").at("used"), 1);
  EXPECT_EQ(b.at("deletes").at("used"), 1);
  EXPECT_EQ(b.at("enforced"), false);
  // FakeClock starts at 2027-01-15T08:00:00Z.
  EXPECT_EQ(b.at("day"), "2027-01-15");
  EXPECT_EQ(b.at("reset_at"), "2027-01-16T00:00:00Z");
  EXPECT_EQ(b.at("reset_unix"), 1800057600);
  // The admin token works too.
  config_.admin.token = "admin-token-123";
  EXPECT_EQ(call(kGet, usage, "", {{"authorization", "Bearer admin-token-123"}}).status, 200);
  EXPECT_EQ(call(kGet, usage, "", {{"authorization", "Bearer wrong"}}).status, 401);
  // A new UTC day starts from zero.
  clock_.advance(std::chrono::hours(16));
  auto next = body(call(kGet, usage, "", {bearer("backend", http::Tier::kServer)}));
  EXPECT_EQ(next.at("writes").at("used"), 0);
  EXPECT_EQ(next.at("reset_at"), "2027-01-17T00:00:00Z");
}

TEST_F(DocumentsTest, QuotaWarningsOncePerLevelAndDay) {
  auto warnings = [&](const char* level) {
    return metrics_.value("headroom_quota_warnings_total", {{"app", "app1"}, {"kind", "writes"}, {"level", level}});
  };
  // writes_per_day = 50: the 40th write crosses 80 %, the 50th 100 %.
  for (int i = 0; i < 39; ++i) docs_->quotas().add("app1", Quotas::kWrite, 1);
  EXPECT_EQ(warnings("80"), 0);
  docs_->quotas().add("app1", Quotas::kWrite, 1);
  EXPECT_EQ(warnings("80"), 1);
  EXPECT_EQ(warnings("100"), 0);
  for (int i = 0; i < 9; ++i) docs_->quotas().add("app1", Quotas::kWrite, 1);
  EXPECT_EQ(warnings("100"), 0);
  docs_->quotas().add("app1", Quotas::kWrite, 5);  // past 100 % in one step
  EXPECT_EQ(warnings("100"), 1);
  docs_->quotas().add("app1", Quotas::kWrite, 5);
  EXPECT_EQ(warnings("80"), 1);
  EXPECT_EQ(warnings("100"), 1);
  EXPECT_DOUBLE_EQ(docs_->quotas().ratio("app1", Quotas::kWrite), 1.18);  // 59 of 50
  // Scraped as a gauge next to used and limit.
  metrics::Writer w;
  docs_->quotas().collect(w, {"app1"});
  EXPECT_NE(w.take().find("headroom_quota_ratio{app=\"app1\",kind=\"writes\"} 1.18"), std::string::npos);
  // Next day: the levels can be crossed again, once each.
  clock_.advance(std::chrono::hours(24));
  docs_->quotas().add("app1", Quotas::kWrite, 45);
  EXPECT_EQ(warnings("80"), 2);
  EXPECT_EQ(warnings("100"), 1);
}

}  // namespace
// SIGHUP (docs/operations.md): apps, their secrets and collection rules apply to the next request.
TEST_F(DocumentsTest, ReloadAppliesNewAppsSecretsAndCollectionRules) {
  ASSERT_EQ(call(kPut, kDocs + "/d1", "{}").status, 201);  // pub: public read and write
  EXPECT_EQ(call(kGet, kDocs + "/d1").status, 200);
  config::Config next = config_;
  next.apps[0].collections["pub"] = {"server", "server", ""};
  next.apps[0].secret = "rotated";
  config::AppConfig app2 = next.apps[0];
  app2.id = "app2";
  app2.key = "key2";
  next.apps.push_back(app2);
  const std::string app2_doc = "/v1/apps/app2/collections/pub/docs/x";
  const auto server_old = bearer("backend", http::Tier::kServer);
  const std::pair<std::string, std::string> server_new = {
      "authorization", "Bearer " + mint_jwt("rotated", "backend", http::Tier::kServer, clock_.unix_ms() / 1000, 3600)};
  EXPECT_EQ(call(kPut, app2_doc, "{}", {server_new}).status, 404);  // no such app yet
  docs_->reload(next);
  EXPECT_EQ(call(kGet, kDocs + "/d1").status, 401);  // the rule is now "server"
  EXPECT_EQ(call(kGet, kDocs + "/d1", "", {server_old}).status, 401);
  EXPECT_EQ(call(kGet, kDocs + "/d1", "", {server_new}).status, 200);
  EXPECT_EQ(call(kPut, app2_doc, "{}", {server_new}).status, 201);
  docs_->reload(config_);  // `next` goes out of scope before the fixture's TearDown
}

}  // namespace headroom::docs
