#include "storage/planner.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace headroom::storage {
namespace {

Query q(std::vector<Filter> where, std::vector<OrderBy> order = {}) {
  Query out;
  out.app = "app";
  out.collection = "c";
  out.where = std::move(where);
  out.order_by = std::move(order);
  return out;
}

Filter f(std::string path, FilterOp op, const char* v) { return {std::move(path), op, boost::json::parse(v)}; }

TEST(Planner, ChoosesPrimarySingleOrComposite) {
  EXPECT_EQ(plan_query(q({}), {})->kind, Plan::Kind::kPrimary);
  auto single = plan_query(q({f("a", FilterOp::kEq, "1")}), {});
  EXPECT_EQ(single->index, "f:a");
  auto by_other_eq = plan_query(q({f("_id", FilterOp::kEq, R"("x")"), f("b", FilterOp::kEq, "2")}), {});
  EXPECT_EQ(by_other_eq->index, "f:b");
  auto contains = plan_query(q({f("t", FilterOp::kArrayContains, "1")}), {});
  EXPECT_EQ(contains->index, "a:t");
  auto ordered = plan_query(q({}, {{"a", true}}), {});
  EXPECT_EQ(ordered->index, "f:a");
  EXPECT_TRUE(ordered->reverse);
  auto missing = plan_query(q({f("a", FilterOp::kEq, "1")}, {{"b", false}}), {});
  EXPECT_EQ(missing.status().code(), Code::kFailedPrecondition);
  IndexDef def{"c:a:asc:b:asc", "c", {{"a", false}, {"b", false}}, "ready"};
  auto composite = plan_query(q({f("a", FilterOp::kEq, "1")}, {{"b", true}}), {def});
  ASSERT_TRUE(composite);
  EXPECT_EQ(composite->index, "c:c:a:asc:b:asc");
  EXPECT_TRUE(composite->reverse);
}

TEST(Planner, RejectsWhatFirestoreRejects) {
  EXPECT_EQ(plan_query(q({f("a", FilterOp::kLt, "1"), f("b", FilterOp::kGt, "1")}), {}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(plan_query(q({f("a", FilterOp::kLt, "1")}, {{"b", false}}), {}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(plan_query(q({f("a", FilterOp::kIn, "[1]"), f("b", FilterOp::kNotIn, "[1]")}), {}).status().code(),
            Code::kInvalidArgument);
}

TEST(Planner, CursorsAreBoundToTheirQuery) {
  auto p = plan_query(q({}, {{"a", false}}), {});
  std::string c = encode_cursor(*p, {std::string("k\0ey", 4), "id1"});
  auto back = decode_cursor(*p, c);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->key, std::string("k\0ey", 4));
  EXPECT_EQ(back->id, "id1");
  auto other = plan_query(q({}, {{"b", false}}), {});
  EXPECT_FALSE(decode_cursor(*other, c));
  EXPECT_FALSE(decode_cursor(*p, "%%%"));
  EXPECT_FALSE(decode_cursor(*p, ""));
}

}  // namespace
}  // namespace headroom::storage

namespace headroom::storage {
// Regression, found by docs_index_body_fuzz: field paths may hold ':', the separator of index
// names, so two different indexes shared a name and creating the second returned the first.
TEST(IndexName, ColonsInFieldPathsDoNotMakeTwoIndexesShareAName) {
  const std::string a = index_name("c", {{"a:asc:b", false}, {"c", false}});
  const std::string b = index_name("c", {{"a", false}, {"b:asc:c", false}});
  EXPECT_NE(a, b);
  EXPECT_EQ(a, "c:a%3Aasc%3Ab:asc:c:asc");
  EXPECT_NE(index_name("c", {{"a%3A", false}, {"b", true}}), index_name("c", {{"a:", false}, {"b", true}}));
  EXPECT_EQ(index_name("c", {{"a.b", false}, {"s", true}}), "c:a.b:asc:s:desc");  // plain paths unchanged
}
}  // namespace headroom::storage
