// Issue 12: a storage read or write that throws reaches the client as 500 INTERNAL in the /v1
// error format (before, the reader swallowed the exception and the request waited forever), and
// is counted in headroom_storage_errors_total.
#include "docs/documents_test_fixture.hpp"
#include "docs/storage_metrics.hpp"

namespace headroom::docs {
namespace {

std::string scrape(const storage::Store& store) {
  metrics::Registry reg;
  reg.add_collector([&store](metrics::Writer& w) { write_storage_metrics(store, w); });
  return reg.render();
}

TEST_F(DocumentsTest, AStorageReadThatThrowsAnswers500InTheV1Format) {
  ASSERT_EQ(call(kPut, kDocs + "/d1", R"({"n":1})").status, 201);
  reads_throw_ = true;
  auto got = call(kGet, kDocs + "/d1");
  EXPECT_EQ(got.status, 500);
  EXPECT_EQ(code(got), "INTERNAL");
  EXPECT_EQ(body(got).at("error").at("message").as_string().find("injected"), std::string::npos)
      << "the exception's text is logged, not sent";
  auto listed = call(kGet, kDocs + "?limit=2");  // a query
  EXPECT_EQ(listed.status, 500);
  EXPECT_EQ(code(listed), "INTERNAL");
  reads_throw_ = false;
  EXPECT_EQ(call(kGet, kDocs + "/d1").status, 200) << "the reader thread still serves";
  EXPECT_EQ(sqlite_->exceptions(storage::sqlite::StoreThread::kReader), 2u);
  EXPECT_NE(scrape(*sqlite_).find("headroom_storage_errors_total{thread=\"reader\"} 2\n"), std::string::npos);
}

TEST_F(DocumentsTest, AStorageWriteThatThrowsAnswers500AndStoresNothing) {
  writes_throw_ = true;
  auto put = call(kPut, kDocs + "/d2", R"({"n":2})");
  EXPECT_EQ(put.status, 500);
  EXPECT_EQ(code(put), "INTERNAL");
  auto batch = call(kPost, "/v1/apps/app1/batch",
                    R"({"ops":[{"op":"set","collection":"pub","id":"b1","data":{}},)"
                    R"({"op":"set","collection":"pub","id":"b2","data":{}}]})");
  EXPECT_EQ(batch.status, 500) << batch.body;
  writes_throw_ = false;
  EXPECT_EQ(call(kGet, kDocs + "/d2").status, 404);
  EXPECT_EQ(call(kGet, kDocs + "/b1").status, 404);
  EXPECT_EQ(call(kPut, kDocs + "/d2", R"({"n":2})").status, 201) << "the writer still serves";
  const std::string text = scrape(*sqlite_);
  EXPECT_NE(text.find("headroom_storage_errors_total{thread=\"writer\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("headroom_db_healthy 1\n"), std::string::npos) << "a write that threw is not a storage failure";
}

}  // namespace
}  // namespace headroom::docs
