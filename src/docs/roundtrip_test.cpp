// Issue 12: whatever a write acknowledges reads back equal (minus system fields), for PUT, POST,
// PATCH and batch, at every depth the limits allow; one level more is a clean 400 that stores
// nothing. Through the routes as the server registers them, over a real SqliteStore.
#include <boost/json/serialize.hpp>

#include "docs/documents_test_fixture.hpp"
#include "storage/json_parse.hpp"
#include "storage/merge_patch.hpp"

namespace headroom::docs {
namespace {

using storage::testing::nested_json;
using storage::testing::Shape;

constexpr int kDepths[] = {31, 32, 33, 63, 64, 65};

class RoundTripTest : public DocumentsTest {
 protected:
  // The response's document without its system fields, read with the store's exact parser.
  static json::object user_fields(const http::Response& r) {
    auto v = storage::parse_json_exact(r.body_view(), kMaxJsonDepth);
    EXPECT_TRUE(v && v->is_object()) << r.status << " " << r.body_view().substr(0, 200);
    if (!v || !v->is_object()) return {};
    json::object out;
    for (auto& kv : v->get_object()) {
      if (!storage::is_system_field(kv.key())) out.emplace(kv.key(), kv.value());
    }
    return out;
  }
  static json::object object_of(std::string_view text) {
    auto v = storage::testing::object_from(text);
    return v ? std::move(*v) : json::object();
  }
  // A refused write: 400 INVALID_ARGUMENT naming the depth.
  void expect_too_deep(const http::Response& r) {
    EXPECT_EQ(r.status, 400) << r.body_view().substr(0, 200);
    if (r.status != 400) return;
    EXPECT_EQ(code(r), "INVALID_ARGUMENT");
    EXPECT_NE(std::string(r.body_view()).find("nests deeper than"), std::string::npos) << r.body_view();
  }
  // Acknowledged: the answer and a later GET both carry exactly `expected`.
  void expect_stored(const http::Response& ack, const std::string& id, const json::object& expected) {
    EXPECT_EQ(user_fields(ack), expected);
    auto got = call(kGet, kDocs + "/" + id);
    ASSERT_EQ(got.status, 200) << id;
    EXPECT_EQ(user_fields(got), expected);
    EXPECT_EQ(header(got, "ETag"), header(ack, "ETag"));
  }
  int64_t count_docs() {
    auto r = call(kPost, "/v1/apps/app1/collections/pub/query", R"({"count":true})");
    return r.status == 200 ? body(r).at("count").as_int64() : -1;
  }
};

TEST_F(RoundTripTest, PutAtEveryDepth) {
  for (int depth : kDepths) {
    SCOPED_TRACE(depth);
    const std::string id = "put" + std::to_string(depth), doc = nested_json(depth);
    auto r = call(kPut, kDocs + "/" + id, doc);
    if (depth > kMaxJsonDepth) {
      expect_too_deep(r);
      EXPECT_EQ(call(kGet, kDocs + "/" + id).status, 404);
      continue;
    }
    ASSERT_EQ(r.status, 201) << r.body_view().substr(0, 200);
    expect_stored(r, id, object_of(doc));
  }
}

TEST_F(RoundTripTest, PostAtEveryDepth) {
  for (int depth : kDepths) {
    SCOPED_TRACE(depth);
    const int64_t before = count_docs();
    auto r = call(kPost, kDocs, nested_json(depth, Shape::kObjects));
    if (depth > kMaxJsonDepth) {
      expect_too_deep(r);
      EXPECT_EQ(count_docs(), before);
      continue;
    }
    ASSERT_EQ(r.status, 201) << r.body_view().substr(0, 200);
    expect_stored(r, std::string(body(r).at("_id").as_string()), object_of(nested_json(depth, Shape::kObjects)));
    EXPECT_EQ(count_docs(), before + 1);
  }
}

TEST_F(RoundTripTest, PatchAtEveryDepth) {
  for (int depth : kDepths) {
    for (Shape shape : {Shape::kArrays, Shape::kObjects}) {
      SCOPED_TRACE(std::to_string(depth) + (shape == Shape::kArrays ? " arrays" : " objects"));
      const std::string id = "patch" + std::to_string(depth) + (shape == Shape::kArrays ? "a" : "o");
      ASSERT_EQ(call(kPut, kDocs + "/" + id, R"({"keep":1,"a":{"old":true}})").status, 201);
      const std::string patch = nested_json(depth, shape);
      auto r = call(kPatch, kDocs + "/" + id, patch);
      if (depth > kMaxJsonDepth) {
        expect_too_deep(r);
        auto got = call(kGet, kDocs + "/" + id);
        EXPECT_EQ(user_fields(got), object_of(R"({"keep":1,"a":{"old":true}})"));
        EXPECT_EQ(body(got).at("_version"), 1);
        continue;
      }
      ASSERT_EQ(r.status, 200) << r.body_view().substr(0, 200);
      json::object expected = object_of(R"({"keep":1,"a":{"old":true}})");
      storage::apply_merge_patch(expected, object_of(patch));
      expect_stored(r, id, expected);
      // A second patch re-reads the deep document from storage: nothing may be lost.
      auto again = call(kPatch, kDocs + "/" + id, R"({"keep":2})");
      ASSERT_EQ(again.status, 200) << again.body_view().substr(0, 200);
      expected["keep"] = 2;
      expect_stored(again, id, expected);
    }
  }
}

// The crash of issue 12: a PATCH nested 40 levels deep took the server down (segfault).
TEST_F(RoundTripTest, PatchNestedFortyLevelsDoesNotCrash) {
  ASSERT_EQ(call(kPut, kDocs + "/x", R"({"b":1})").status, 201);
  auto r = call(kPatch, kDocs + "/x", nested_json(40));
  ASSERT_EQ(r.status, 200) << r.body_view().substr(0, 200);
  json::object expected = object_of(nested_json(40));
  expected["b"] = 1;
  expect_stored(r, "x", expected);
}

TEST_F(RoundTripTest, BatchAtEveryDepth) {
  for (int depth : kDepths) {
    SCOPED_TRACE(depth);
    const std::string id = "batch" + std::to_string(depth), doc = nested_json(depth);
    ASSERT_EQ(call(kPut, kDocs + "/" + id + "p", R"({"keep":1})").status, 201);
    const std::string ops = R"({"ops":[{"op":"set","collection":"pub","id":")" + id + R"(","data":)" + doc +
                            R"(},{"op":"patch","collection":"pub","id":")" + id + R"(p","data":)" + doc + "}]}";
    auto r = call(kPost, "/v1/apps/app1/batch", ops);
    if (depth > kMaxJsonDepth) {
      expect_too_deep(r);
      EXPECT_EQ(call(kGet, kDocs + "/" + id).status, 404);
      EXPECT_EQ(user_fields(call(kGet, kDocs + "/" + id + "p")), object_of(R"({"keep":1})"));
      continue;
    }
    ASSERT_EQ(r.status, 200) << r.body_view().substr(0, 200);
    auto got = call(kGet, kDocs + "/" + id);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(user_fields(got), object_of(doc));
    json::object patched = object_of(doc);
    patched["keep"] = 1;
    EXPECT_EQ(user_fields(call(kGet, kDocs + "/" + id + "p")), patched);
  }
}

// Numbers come back as sent: Boost.JSON 1.81's parser reads these one ulp off, so the answer
// (and every later patch, which re-reads the stored text) would have changed them.
TEST_F(RoundTripTest, NumbersComeBackAsSentThroughPutAndPatch) {
  const std::string doc = R"({"x":5.409760742964738E124,"y":1.3927926388013963E-143,"z":3.0725822749807743E-9})";
  auto put = call(kPut, kDocs + "/n", doc);
  ASSERT_EQ(put.status, 201);
  EXPECT_EQ(json::serialize(user_fields(put)), doc);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call(kPatch, kDocs + "/n", R"({"i":)" + std::to_string(i) + "}").status, 200);
  json::object back = user_fields(call(kGet, kDocs + "/n"));
  back.erase("i");
  EXPECT_EQ(json::serialize(back), doc);
}

TEST_F(RoundTripTest, SystemFieldsAreDroppedAndTheUsersKeyOrderKept) {
  auto r = call(kPut, kDocs + "/o", R"({"_id":"other","z":1,"_version":9,"a":2,"m":{"_id":"kept"},"_owner":"x"})");
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(body(r).at("_id"), "o");
  EXPECT_EQ(body(r).at("_version"), 1);
  EXPECT_EQ(json::serialize(user_fields(call(kGet, kDocs + "/o"))), R"({"z":1,"a":2,"m":{"_id":"kept"}})");
}

}  // namespace
}  // namespace headroom::docs
