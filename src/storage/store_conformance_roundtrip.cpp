// Conformance, issue 12: what a write acknowledges reads back equal, at every depth the limits
// allow (64 levels) and for every double, through put, patch, batch, query, the change log and
// delete. Values are built as the routes hand them over: already parsed, never as text.
#include <boost/json/serialize.hpp>
#include <iterator>

#include "storage/json_parse.hpp"
#include "storage/merge_patch.hpp"
#include "storage/store_conformance.hpp"

namespace headroom::storage::testing {
namespace json = boost::json;
namespace {

json::object object_of(std::string_view text) {
  auto v = object_from(text);
  EXPECT_TRUE(v) << v.status().message();
  return v ? std::move(*v) : json::object();
}

WriteOp put_op(std::string id, json::object data) {
  return WriteOp{OpKind::kPut, "deep", std::move(id), std::move(data), "owner1", {}};
}

WriteOp patch_op(std::string id, json::object patch) {
  return WriteOp{OpKind::kPatch, "deep", std::move(id), std::move(patch), "owner1", {}};
}

// The stored user fields of app/deep/id, parsed the way the store itself reads them back.
json::object stored(Store& s, const std::string& id) {
  auto g = get_sync(s, "app", "deep", id);
  EXPECT_TRUE(g && g->has_value()) << id;
  if (!g || !g->has_value()) return {};
  auto fields = parse_stored_object((*g)->data, id);
  EXPECT_TRUE(fields) << fields.status().message();
  auto full = parse_stored_object((*g)->to_json(), id);
  EXPECT_TRUE(full) << full.status().message();
  return fields ? std::move(*fields) : json::object();
}

TEST_P(StoreConformance, PutAndBatchRoundTripAtEveryAllowedDepth) {
  for (int depth : kRoundTripDepths) {
    for (Shape shape : {Shape::kArrays, Shape::kObjects}) {
      SCOPED_TRACE("depth " + std::to_string(depth) + (shape == Shape::kArrays ? " arrays" : " objects"));
      const json::object doc = object_of(nested_json(depth, shape));
      const std::string id = std::to_string(depth) + (shape == Shape::kArrays ? "a" : "o");
      auto put = write_sync(store(), {"app", {put_op("p" + id, doc)}});
      ASSERT_TRUE(put) << put.status().message();
      EXPECT_EQ(object_of(put->at(0).doc.data), doc);  // what the write acknowledged
      EXPECT_EQ(stored(store(), "p" + id), doc);       // is what reads back
      auto batch = write_sync(store(), {"app", {put_op("b" + id, doc), put_op("c" + id, doc)}});
      ASSERT_TRUE(batch) << batch.status().message();
      EXPECT_EQ(stored(store(), "b" + id), doc);
      EXPECT_EQ(stored(store(), "c" + id), doc);
    }
  }
}

TEST_P(StoreConformance, PatchRoundTripsAtEveryAllowedDepth) {
  for (int depth : kRoundTripDepths) {
    for (Shape shape : {Shape::kArrays, Shape::kObjects}) {
      SCOPED_TRACE("depth " + std::to_string(depth) + (shape == Shape::kArrays ? " arrays" : " objects"));
      const std::string id = "m" + std::to_string(depth) + (shape == Shape::kArrays ? "a" : "o");
      ASSERT_TRUE(
          write_sync(store(), {"app", {put_op(id, object_of(nested_json(depth - 1, shape, R"({"keep":1})")))}}));
      // Patch the deepest object and add a field: the stored document must be read back whole.
      const json::object patch = object_of(nested_json(depth, Shape::kObjects, "2"));
      json::object expected = object_of(nested_json(depth - 1, shape, R"({"keep":1})"));
      apply_merge_patch(expected, patch);
      auto r = write_sync(store(), {"app", {patch_op(id, patch)}});
      ASSERT_TRUE(r) << r.status().message();
      EXPECT_EQ(r->at(0).doc.version, 2);
      EXPECT_EQ(object_of(r->at(0).doc.data), expected);
      EXPECT_EQ(stored(store(), id), expected);
      auto again = write_sync(store(), {"app", {patch_op(id, object_of(R"({"top":true})"))}});
      ASSERT_TRUE(again) << again.status().message();
      expected["top"] = true;
      EXPECT_EQ(stored(store(), id), expected);
    }
  }
}

TEST_P(StoreConformance, DeepDocumentsAreQueriedLoggedAndDeleted) {
  json::object doc = object_of(nested_json(64));
  doc["tag"] = "deep";
  ASSERT_TRUE(write_sync(store(), {"app", {put_op("q", doc)}}));
  Query q;
  q.app = "app";
  q.collection = "deep";
  q.where = {Filter{"tag", FilterOp::kEq, json::value("deep")}};
  q.limit = 10;
  auto found = query_sync(store(), q);
  ASSERT_TRUE(found) << found.status().message();
  ASSERT_EQ(found->docs.size(), 1u);
  EXPECT_EQ(object_of(found->docs[0].data), doc);
  auto changes = await<std::vector<Change>>([&](auto cb) { store().read_changes("app", "deep", 0, 10, cb); });
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 1u);
  auto logged = parse_stored_object(changes->at(0).doc_json, "change");
  ASSERT_TRUE(logged) << logged.status().message();
  EXPECT_EQ(logged->at("a"), doc.at("a"));
  auto del = write_sync(store(), {"app", {WriteOp{OpKind::kDelete, "deep", "q", {}, "owner1", {}}}});
  ASSERT_TRUE(del) << del.status().message();
  EXPECT_TRUE(del->at(0).changed);
  found = query_sync(store(), q);
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->docs.empty());  // its index entries went with it
}

// Boost.JSON 1.81's own parser reads these one ulp off; a patch re-reads the stored document, so
// untouched numbers must come back bit for bit.
TEST_P(StoreConformance, NumbersSurvivePatchesBitForBit) {
  const char* kDoubles[] = {"1.3927926388013963E-143",
                            "5.409760742964738E124",
                            "-2.128409656321987E-239",
                            "3.0725822749807743E-9",
                            "0.30000000000000004",
                            "1.7976931348623157E308",
                            "5E-324",
                            "-0E0",
                            "9007199254740993",
                            "18446744073709551615",
                            "-9223372036854775808"};
  json::object doc;
  for (size_t i = 0; i < std::size(kDoubles); ++i) {
    auto v = parse_json_exact(kDoubles[i]);
    ASSERT_TRUE(v) << kDoubles[i];
    doc["n" + std::to_string(i)] = *v;
  }
  ASSERT_TRUE(write_sync(store(), {"app", {put_op("nums", doc)}}));
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(
        write_sync(store(), {"app", {patch_op("nums", object_of(R"({"round":)" + std::to_string(round) + "}"))}}));
  }
  json::object back = stored(store(), "nums");
  for (size_t i = 0; i < std::size(kDoubles); ++i) {
    const std::string key = "n" + std::to_string(i);
    EXPECT_EQ(json::serialize(back.at(key)), json::serialize(doc.at(key))) << kDoubles[i];
  }
}

}  // namespace
}  // namespace headroom::storage::testing
