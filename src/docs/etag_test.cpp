// Preconditions per RFC 9110 §13.1: entity-tag lists, strong vs weak comparison, "*", and what the
// document routes answer (412 for a tag that is not current, 304 on GET, 400 only when malformed).
#include "docs/etag.hpp"

#include "docs/documents_test_fixture.hpp"

namespace headroom::docs {
namespace {

using storage::VersionSet;

VersionSet parse_ok(std::string_view header, EtagCompare compare) {
  auto r = parse_etag_list(header, compare);
  EXPECT_TRUE(r) << header << ": " << r.status().message();
  return r ? *r : VersionSet{};
}

TEST(EtagTest, ParsesStarListsAndOnlyTagsThisServerCouldHaveIssued) {
  EXPECT_EQ(etag_of(3), "\"3\"");
  EXPECT_FALSE(parse_ok("", EtagCompare::kStrong).present);
  VersionSet star = parse_ok(" * ", EtagCompare::kStrong);
  EXPECT_TRUE(star.present && star.any && star.matches(99));
  VersionSet list = parse_ok(R"("3", "4")", EtagCompare::kStrong);
  EXPECT_TRUE(list.present && !list.any);
  EXPECT_EQ(list.versions, (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(list.matches(4));
  EXPECT_FALSE(list.matches(5));
  EXPECT_EQ(parse_ok(R"(,"3",,	"4" ,)", EtagCompare::kStrong).versions, (std::vector<int64_t>{3, 4}));
  // Never issued: other text, leading zeros, zero, too long; they parse but match nothing.
  VersionSet foreign = parse_ok(R"("nope", "007", "0", "99999999999999999999", "", "3a")", EtagCompare::kStrong);
  EXPECT_TRUE(foreign.present);
  EXPECT_TRUE(foreign.versions.empty());
  EXPECT_FALSE(foreign.matches(7));
}

TEST(EtagTest, WeakTagsMatchOnlyUnderWeakComparison) {
  VersionSet strong = parse_ok(R"(W/"1", "2")", EtagCompare::kStrong);
  EXPECT_FALSE(strong.matches(1));
  EXPECT_TRUE(strong.matches(2));
  VersionSet weak = parse_ok(R"(W/"1", "2")", EtagCompare::kWeak);
  EXPECT_TRUE(weak.matches(1));
  EXPECT_TRUE(weak.matches(2));
}

TEST(EtagTest, MalformedHeadersAreInvalidArgument) {
  for (const char* bad : {"3", "soon", "\"3", "\"3\" \"4\"", "\"3\";x", "W/3", "w/\"3\"", "\"a b\"", "\"a\"b\"",
                          "*, \"3\"", ",", " , ,", "\"\x01\""}) {
    auto r = parse_etag_list(bad, EtagCompare::kStrong);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << bad;
  }
  std::string many;
  for (size_t i = 0; i <= kMaxEtagsPerHeader; ++i) many += "\"" + std::to_string(i + 1) + "\",";
  EXPECT_FALSE(parse_etag_list(many, EtagCompare::kStrong));
}

class PreconditionsTest : public DocumentsTest {
 protected:
  void SetUp() override {
    DocumentsTest::SetUp();
    ASSERT_EQ(call(kPut, kDocs + "/d", R"({"v":1})").status, 201);
    ASSERT_EQ(call(kPut, kDocs + "/d", R"({"v":2})").status, 200);
    ASSERT_EQ(call(kPut, kDocs + "/d", R"({"v":3})").status, 200);  // now at version 3: ETag "3"
  }
  int put(const std::string& header, const std::string& value, const std::string& id = "d") {
    return call(kPut, kDocs + "/" + id, R"({"v":9})", {{header, value}}).status;
  }
  int64_t version(const std::string& id = "d") {
    auto r = call(kGet, kDocs + "/" + id);
    return r.status == 200 ? body(r).at("_version").as_int64() : 0;
  }
};

TEST_F(PreconditionsTest, IfMatchIsStrongAcceptsListsAndStar) {
  EXPECT_EQ(header(call(kGet, kDocs + "/d"), "ETag"), "\"3\"");
  EXPECT_EQ(put("if-match", "W/\"3\""), 412);   // a weak tag never matches strongly
  EXPECT_EQ(put("if-match", "\"nope\""), 412);  // a tag this server never issued: not current
  EXPECT_EQ(put("if-match", "\"2\""), 412);
  auto failed = call(kPut, kDocs + "/d", "{}", {{"if-match", "\"1\", \"2\""}});
  EXPECT_EQ(failed.status, 412);
  EXPECT_EQ(code(failed), "FAILED_PRECONDITION");
  EXPECT_EQ(version(), 3);
  EXPECT_EQ(put("if-match", "\"1\", \"3\""), 200);  // any listed tag may match
  EXPECT_EQ(put("if-match", "*"), 200);
  EXPECT_EQ(put("if-match", "*", "missing"), 412);  // "*": only if it exists
  EXPECT_EQ(put("if-match", "\"1\"", "missing"), 412);
  EXPECT_EQ(version("missing"), 0);
  EXPECT_EQ(put("if-match", "3"), 400);  // unquoted: malformed, the only 400
  EXPECT_EQ(version(), 5);
}

TEST_F(PreconditionsTest, IfNoneMatchOnWritesIsWeakAndAcceptsListsAndStar) {
  EXPECT_EQ(put("if-none-match", "*"), 412);
  EXPECT_EQ(put("if-none-match", "\"3\""), 412);
  EXPECT_EQ(put("if-none-match", "W/\"3\""), 412);  // weak comparison: W/"3" matches "3"
  EXPECT_EQ(put("if-none-match", "\"1\", \"3\""), 412);
  EXPECT_EQ(version(), 3);
  EXPECT_EQ(put("if-none-match", "\"1\", \"2\""), 200);
  EXPECT_EQ(put("if-none-match", "\"nope\""), 200);
  EXPECT_EQ(put("if-none-match", "*", "fresh"), 201);
  EXPECT_EQ(put("if-none-match", "\"1\"", "fresh2"), 201);
  EXPECT_EQ(put("if-none-match", "nope"), 400);
  EXPECT_EQ(version(), 5);
}

TEST_F(PreconditionsTest, BothHeadersPatchAndDelete) {
  EXPECT_EQ(call(kPut, kDocs + "/d", "{}", {{"if-match", "\"3\""}, {"if-none-match", "\"3\""}}).status, 412);
  EXPECT_EQ(call(kPut, kDocs + "/d", "{}", {{"if-match", "\"3\""}, {"if-none-match", "\"2\""}}).status, 200);
  EXPECT_EQ(call(kPatch, kDocs + "/d", R"({"p":1})", {{"if-match", "\"3\""}}).status, 412);
  EXPECT_EQ(call(kPatch, kDocs + "/d", R"({"p":1})", {{"if-match", "\"3\", \"4\""}}).status, 200);
  EXPECT_EQ(call(kPatch, kDocs + "/nope", "{}", {{"if-match", "\"1\""}}).status, 404);  // RFC 9110 §13.2.1
  EXPECT_EQ(call(kDelete, kDocs + "/d", "", {{"if-match", "\"nope\""}}).status, 412);
  EXPECT_EQ(call(kDelete, kDocs + "/d", "", {{"if-none-match", "*"}}).status, 412);
  EXPECT_EQ(call(kDelete, kDocs + "/d", "", {{"if-match", "W/\"5\""}}).status, 412);
  EXPECT_EQ(call(kDelete, kDocs + "/d", "", {{"if-match", "\"5\""}}).status, 204);
  EXPECT_EQ(call(kDelete, kDocs + "/d", "", {{"if-match", "\"5\""}}).status, 404);  // missing: 404 as without
  EXPECT_EQ(call(kPost, kDocs, "{}", {{"if-match", "*"}}).status, 412);
}

TEST_F(PreconditionsTest, GetAnswers304ForWeakMatchesAnd412ForIfMatch) {
  EXPECT_EQ(call(kGet, kDocs + "/d", "", {{"if-none-match", "\"3\""}}).status, 304);
  EXPECT_EQ(call(kGet, kDocs + "/d", "", {{"if-none-match", "W/\"3\""}}).status, 304);
  EXPECT_EQ(call(kGet, kDocs + "/d", "", {{"if-none-match", "\"1\", \"3\""}}).status, 304);
  EXPECT_EQ(call(kGet, kDocs + "/d", "", {{"if-none-match", "*"}}).status, 304);
  EXPECT_EQ(call(kGet, kDocs + "/d", "", {{"if-none-match", "\"2\""}}).status, 200);
  EXPECT_EQ(call(kGet, kDocs + "/d", "", {{"if-none-match", "\"nope\""}}).status, 200);
  EXPECT_EQ(call(kGet, kDocs + "/d", "", {{"if-none-match", "garbage"}}).status, 200);  // malformed: ignored
  EXPECT_EQ(call(kGet, kDocs + "/d", "", {{"if-match", "\"3\""}}).status, 200);
  EXPECT_EQ(call(kGet, kDocs + "/d", "", {{"if-match", "W/\"3\""}}).status, 412);
  EXPECT_EQ(call(kGet, kDocs + "/d", "", {{"if-match", "\"2\""}}).status, 412);
  EXPECT_EQ(header(call(kGet, kDocs + "/d", "", {{"if-none-match", "\"3\""}}), "ETag"), "\"3\"");
}

}  // namespace
}  // namespace headroom::docs
