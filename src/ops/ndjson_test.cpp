#include "ops/ndjson.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "storage/json_parse.hpp"
#include "storage/sqlite/sqlite_maintenance.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "storage/store_conformance.hpp"

namespace headroom::ops {
namespace {
namespace fs = std::filesystem;

class NdjsonTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = storage::testing::temp_dir("ndjson"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Maintenance> maint_ = storage::sqlite::make_maintenance();
};

TEST_F(NdjsonTest, RoundTripKeepsEveryJsonTypeAndSystemFields) {
  std::string db = dir_ + "/a.db";
  {
    storage::sqlite::SqliteOptions o;
    o.path = db;
    auto s = storage::sqlite::SqliteStore::open(o);
    ASSERT_TRUE(s);
    const char* docs[] = {
        R"({"s":"héllo ☃ 𝄞 \"q\" \\ \n","e":"","n":null,"t":true,"f":false})",
        R"({"big":9223372036854775807,"neg":-9223372036854775808,"u":18446744073709551615,"d":1.5e300,"tiny":-2.5e-308,"z":0})",
        R"({"nested":[[1,[2,[3,{"deep":[]}]]],{}],"obj":{"a":{"b":{"c":"d"}}}})",
    };
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(storage::testing::put_sync(**s, "app1", "c", "d" + std::to_string(i), docs[i]));
    ASSERT_TRUE(storage::testing::put_sync(**s, "app2", "other", "x", R"({"k":1})"));
    (*s)->close();
  }
  std::stringstream first;
  auto n = export_ndjson(*maint_, db, {"app1", ""}, first);
  ASSERT_TRUE(n) << n.status().message();
  EXPECT_EQ(*n, 3);
  std::string exported = first.str();
  std::stringstream in(exported);
  auto imp = import_ndjson(*maint_, dir_ + "/b.db", in, clock_);
  ASSERT_TRUE(imp) << imp.status().message();
  EXPECT_TRUE(imp->bad.empty());
  EXPECT_EQ(imp->imported, 3);
  std::stringstream second;
  ASSERT_TRUE(export_ndjson(*maint_, dir_ + "/b.db", {}, second));
  EXPECT_EQ(second.str(), exported);
  EXPECT_NE(exported.find("18446744073709551615"), std::string::npos);
  EXPECT_NE(exported.find("\"_version\":1"), std::string::npos);
}

TEST_F(NdjsonTest, BadLinesAreReportedByNumberAndNothingIsImported) {
  std::stringstream in(
      "{\"app\":\"a\",\"collection\":\"c\",\"doc\":{\"_id\":\"ok\"}}\n"
      "not json\n"
      "\n"
      "{\"app\":\"a\",\"collection\":\"c\",\"doc\":{\"x\":1}}\n"
      "{\"app\":\"a\",\"collection\":\"c/d\",\"doc\":{\"_id\":\"y\"}}\n"
      "{\"app\":\"a\",\"collection\":\"c\",\"doc\":{\"_id\":\"z\",\"_version\":\"2\"}}\n"
      "[1,2]\n");
  auto r = import_ndjson(*maint_, dir_ + "/c.db", in, clock_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->imported, 0);
  ASSERT_EQ(r->bad.size(), 5u);
  EXPECT_EQ(r->bad[0].line, 2);
  EXPECT_EQ(r->bad[1].line, 4);
  EXPECT_NE(r->bad[1].why.find("_id"), std::string::npos);
  EXPECT_EQ(r->bad[2].line, 5);
  EXPECT_EQ(r->bad[3].line, 6);
  EXPECT_EQ(r->bad[4].line, 7);
  EXPECT_FALSE(fs::exists(dir_ + "/c.db"));
}

// Issue 12: an import stores what it validated, at every depth a PUT may store (64 levels in the
// document, 65 in its line); one level more is a bad line and nothing is imported.
TEST_F(NdjsonTest, ImportRoundTripsAtEveryDepthAndRefusesDeeper) {
  auto line = [](int depth) {
    return R"({"app":"app1","collection":"c","doc":{"_id":"d)" + std::to_string(depth) +
           R"(","n":5.409760742964738E124,)" + storage::testing::nested_json(depth).substr(1) + "}\n";
  };
  std::string file;
  for (int depth : storage::testing::kRoundTripDepths) file += line(depth);
  std::stringstream in(file);
  auto imp = import_ndjson(*maint_, dir_ + "/deep.db", in, clock_);
  ASSERT_TRUE(imp) << imp.status().message();
  ASSERT_TRUE(imp->bad.empty()) << imp->bad[0].why;
  EXPECT_EQ(imp->imported, 5);
  {
    storage::sqlite::SqliteOptions o;
    o.path = dir_ + "/deep.db";
    auto s = storage::sqlite::SqliteStore::open(o);
    ASSERT_TRUE(s) << s.status().message();
    for (int depth : storage::testing::kRoundTripDepths) {
      SCOPED_TRACE(depth);
      auto g = storage::testing::get_sync(**s, "app1", "c", "d" + std::to_string(depth));
      ASSERT_TRUE(g && g->has_value());
      auto expected = storage::testing::object_from(storage::testing::nested_json(depth));
      ASSERT_TRUE(expected);
      (*expected)["n"] = 5.409760742964738E124;
      auto stored = storage::parse_stored_object((*g)->data, "doc");
      ASSERT_TRUE(stored) << stored.status().message();
      EXPECT_EQ(*stored, *expected);
      EXPECT_EQ((*g)->version, 1);
    }
    (*s)->close();
  }
  std::stringstream first;
  ASSERT_TRUE(export_ndjson(*maint_, dir_ + "/deep.db", {}, first));
  std::stringstream again(first.str());
  auto re = import_ndjson(*maint_, dir_ + "/deep2.db", again, clock_);
  ASSERT_TRUE(re) << re.status().message();
  ASSERT_TRUE(re->bad.empty()) << re->bad[0].why;
  std::stringstream second;
  ASSERT_TRUE(export_ndjson(*maint_, dir_ + "/deep2.db", {}, second));
  EXPECT_EQ(second.str(), first.str());  // export → import → export is the identity at depth 64

  std::stringstream deeper(line(64) + line(65));
  auto refused = import_ndjson(*maint_, dir_ + "/deeper.db", deeper, clock_);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->imported, 0);
  ASSERT_EQ(refused->bad.size(), 1u);
  EXPECT_EQ(refused->bad[0].line, 2);
  EXPECT_NE(refused->bad[0].why.find("nests deeper than 65 levels"), std::string::npos) << refused->bad[0].why;
  EXPECT_FALSE(fs::exists(dir_ + "/deeper.db"));
}

}  // namespace
}  // namespace headroom::ops
