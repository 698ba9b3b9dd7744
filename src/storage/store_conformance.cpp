#include "storage/store_conformance.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <set>
#include <thread>

#include "core/crypto.hpp"
#include "storage/json_parse.hpp"

namespace headroom::storage::testing {
namespace json = boost::json;

Status await_status(const std::function<void(StatusCallback)>& start) {
  std::promise<Status> p;
  auto f = p.get_future();
  start([&p](Status s) { p.set_value(std::move(s)); });
  return f.get();
}

Result<std::vector<WriteResult>> write_sync(Store& s, WriteBatch b) {
  return await<std::vector<WriteResult>>([&](auto cb) { s.write(std::move(b), cb); });
}

Result<json::object> object_from(std::string_view text) {
  auto v = parse_json_exact(text);
  if (!v) return v.status();
  if (!v->is_object()) return invalid_argument("not a JSON object: " + std::string(text));
  return std::move(v->get_object());
}

std::string nested_json(int depth, Shape shape, std::string_view leaf) {
  std::string out;
  if (shape == Shape::kArrays) {
    out = "{\"a\":" + std::string(static_cast<size_t>(std::max(0, depth - 1)), '[') + std::string(leaf);
    out += std::string(static_cast<size_t>(std::max(0, depth - 1)), ']') + "}";
    return out;
  }
  for (int i = 0; i < depth; ++i) out += "{\"a\":";
  out += leaf;
  out += std::string(static_cast<size_t>(depth), '}');
  return out;
}

Result<WriteResult> put_sync(Store& s, const std::string& app, const std::string& col, const std::string& id,
                             const std::string& data, Precondition pre) {
  auto fields = object_from(data);
  if (!fields) return fields.status();
  auto r = write_sync(s, WriteBatch{app, {WriteOp{OpKind::kPut, col, id, std::move(*fields), "owner1", pre}}});
  if (!r) return r.status();
  return r->at(0);
}

Result<std::optional<Document>> get_sync(Store& s, const std::string& app, const std::string& col,
                                         const std::string& id) {
  return await<std::optional<Document>>([&](auto cb) { s.get(app, col, id, cb); });
}

Result<QueryResult> query_sync(Store& s, Query q) {
  return await<QueryResult>([&](auto cb) { s.query(std::move(q), cb); });
}

std::string temp_dir(const std::string& tag) {
  auto dir = std::filesystem::temp_directory_path() / ("headroom-" + tag + "-" + crypto::random_hex(6));
  std::filesystem::create_directories(dir);
  return dir.string();
}

// Binaries that only use the helpers above do not instantiate the suites.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreConformance);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(QueryConformance);

void StoreConformance::SetUp() {
  dir_ = temp_dir("store");
  store_ = GetParam().open(dir_);
  ASSERT_TRUE(store_);
}

void StoreConformance::TearDown() {
  if (store_) store_->close();
  store_.reset();
  std::filesystem::remove_all(dir_);
}

void StoreConformance::reopen() {
  store_->close();
  store_.reset();
  store_ = GetParam().open(dir_);
  ASSERT_TRUE(store_);
}

namespace {

WriteOp op(OpKind k, std::string col, std::string id, std::string_view data = "{}", Precondition pre = {}) {
  auto fields = object_from(data);
  EXPECT_TRUE(fields) << fields.status().message();
  return WriteOp{k, std::move(col), std::move(id), fields ? std::move(*fields) : json::object(), "owner1", pre};
}

Precondition version(int64_t v) { return {Precondition::Kind::kVersion, v, {}}; }

Query query(std::string col, std::vector<Filter> where, std::vector<OrderBy> order = {}, int limit = 100) {
  Query q;
  q.app = "app";
  q.collection = std::move(col);
  q.where = std::move(where);
  q.order_by = std::move(order);
  q.limit = limit;
  return q;
}

Filter f(std::string path, FilterOp op, std::string value_json) {
  return {std::move(path), op, json::parse(value_json)};
}

std::vector<std::string> ids(const QueryResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.docs) out.push_back(d.id);
  return out;
}

std::vector<std::string> ids(const Result<QueryResult>& r) {
  EXPECT_TRUE(r) << r.status().message();
  return r ? ids(r.value()) : std::vector<std::string>{"<error>"};
}

using V = std::vector<std::string>;

TEST_P(StoreConformance, PutThenGetReturnsSystemFieldsAndData) {
  auto r = put_sync(store(), "app", "posts", "p1", R"({"title":"hi","n":1})");
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->kind, ChangeKind::kAdded);
  EXPECT_EQ(r->doc.version, 1);
  EXPECT_EQ(r->doc.owner, "owner1");
  auto g = get_sync(store(), "app", "posts", "p1");
  ASSERT_TRUE(g);
  ASSERT_TRUE(g->has_value());
  EXPECT_EQ(json::parse((*g)->data), json::parse(R"({"title":"hi","n":1})"));
  auto full = json::parse((*g)->to_json()).as_object();
  EXPECT_EQ(full.at("_id"), "p1");
  EXPECT_EQ(full.at("_version"), 1);
  EXPECT_EQ(full.at("title"), "hi");
  auto missing = get_sync(store(), "app", "posts", "nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  auto other_app = get_sync(store(), "other", "posts", "p1");
  EXPECT_FALSE(other_app->has_value());
}

TEST_P(StoreConformance, VersionsIncrementAndPreconditionsHold) {
  ASSERT_TRUE(put_sync(store(), "app", "c", "d", R"({"a":1})"));
  auto second = put_sync(store(), "app", "c", "d", R"({"a":2})", version(1));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->doc.version, 2);
  EXPECT_EQ(second->kind, ChangeKind::kModified);
  EXPECT_EQ(put_sync(store(), "app", "c", "d", "{}", version(1)).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(put_sync(store(), "app", "c", "d", "{}", {Precondition::Kind::kMissing, 0, {}}).status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(put_sync(store(), "app", "c", "x", "{}", {Precondition::Kind::kExists, 0, {}}).status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(put_sync(store(), "app", "c", "d", "{}", {Precondition::Kind::kNone, 0, "someone-else"}).status().code(),
            Code::kPermissionDenied);
  auto g = get_sync(store(), "app", "c", "d");
  EXPECT_EQ((*g)->version, 2);
  EXPECT_EQ(json::parse((*g)->data), json::parse(R"({"a":2})"));
}

TEST_P(StoreConformance, PatchMergesPerRfc7386) {
  ASSERT_TRUE(put_sync(store(), "app", "c", "d", R"({"a":1,"b":{"x":1,"y":2},"c":[1]})"));
  auto r = write_sync(store(), {"app", {op(OpKind::kPatch, "c", "d", R"({"a":null,"b":{"y":3,"z":4},"c":[2]})")}});
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(json::parse(r->at(0).doc.data), json::parse(R"({"b":{"x":1,"y":3,"z":4},"c":[2]})"));
  auto missing = write_sync(store(), {"app", {op(OpKind::kPatch, "c", "nope", "{}")}});
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

TEST_P(StoreConformance, DeleteRemovesAndMissingDeleteIsNoOp) {
  ASSERT_TRUE(put_sync(store(), "app", "c", "d", "{}"));
  auto r = write_sync(store(), {"app", {op(OpKind::kDelete, "c", "d")}});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->at(0).changed);
  EXPECT_EQ(r->at(0).kind, ChangeKind::kRemoved);
  EXPECT_FALSE(get_sync(store(), "app", "c", "d")->has_value());
  auto again = write_sync(store(), {"app", {op(OpKind::kDelete, "c", "d")}});
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->at(0).changed);
  EXPECT_EQ(write_sync(store(), {"app", {op(OpKind::kDelete, "c", "d", "{}", {Precondition::Kind::kExists, 0, {}})}})
                .status()
                .code(),
            Code::kFailedPrecondition);
}

TEST_P(StoreConformance, BatchIsAllOrNothing) {
  ASSERT_TRUE(put_sync(store(), "app", "c", "keep", R"({"v":1})"));
  auto r = write_sync(store(), {"app",
                                {op(OpKind::kPut, "c", "n1", R"({"v":1})"), op(OpKind::kDelete, "c", "keep"),
                                 op(OpKind::kPut, "c", "keep", "{}", version(7))}});
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(r.status().details_json().find("\"index\":2"), std::string::npos);
  EXPECT_FALSE(get_sync(store(), "app", "c", "n1")->has_value());
  EXPECT_TRUE(get_sync(store(), "app", "c", "keep")->has_value());
  auto changes = await<std::vector<Change>>([&](auto cb) { store().read_changes("app", "", 0, 100, cb); });
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 1u);  // only the first put; the failed batch left no seq behind
  auto ok = write_sync(store(), {"app", {op(OpKind::kPut, "c", "n1", "{}"), op(OpKind::kPut, "c", "n2", "{}")}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->at(0).seq, 2);
  EXPECT_EQ(ok->at(1).seq, 3);
}

TEST_P(StoreConformance, ConcurrentWritesGetGapFreeSeqsAndListenersSeeThemInOrder) {
  std::vector<int64_t> heard;
  std::mutex mu;
  store().add_change_listener([&](const Change& c) {
    std::lock_guard lk(mu);
    if (c.app == "app") heard.push_back(c.seq);
  });
  constexpr int kThreads = 8, kEach = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!put_sync(store(), "app", "c", std::to_string(t) + "-" + std::to_string(i), R"({"x":1})")) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto changes = await<std::vector<Change>>([&](auto cb) { store().read_changes("app", "c", 0, 10000, cb); });
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), static_cast<size_t>(kThreads * kEach));
  for (size_t i = 0; i < changes->size(); ++i) EXPECT_EQ((*changes)[i].seq, static_cast<int64_t>(i + 1));
  std::lock_guard lk(mu);
  ASSERT_EQ(heard.size(), changes->size());
  for (size_t i = 0; i < heard.size(); ++i) EXPECT_EQ(heard[i], static_cast<int64_t>(i + 1));
  auto since = await<std::vector<Change>>([&](auto cb) { store().read_changes("app", "c", 795, 10, cb); });
  ASSERT_EQ(since->size(), 5u);
  EXPECT_EQ(since->front().seq, 796);
}

TEST_P(StoreConformance, SeqsAndDataSurviveReopen) {
  ASSERT_TRUE(put_sync(store(), "app", "c", "a", R"({"k":"v"})"));
  ASSERT_TRUE(put_sync(store(), "app", "c", "b", "{}"));
  reopen();
  EXPECT_TRUE(get_sync(store(), "app", "c", "a")->has_value());
  auto r = put_sync(store(), "app", "c", "c", "{}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->seq, 3);
}

TEST_P(StoreConformance, OversizeDocumentIsRejectedWhole) {
  std::string big = R"({"s":")" + std::string((1 << 20) + 10, 'x') + "\"}";
  EXPECT_EQ(put_sync(store(), "app", "c", "big", big).status().code(), Code::kPayloadTooLarge);
  EXPECT_FALSE(get_sync(store(), "app", "c", "big")->has_value());
}

}  // namespace

void QueryConformance::SetUp() {
  StoreConformance::SetUp();
  const char* docs[][2] = {
      {"a", R"({"n":1,"s":"x","tags":["red","blue"],"addr":{"city":"Oslo"},"g":"one"})"},
      {"b", R"({"n":2,"s":"y","tags":["blue"],"addr":{"city":"Rome"},"g":"one"})"},
      {"c", R"({"n":3.5,"s":"z","tags":[],"g":"two"})"},
      {"d", R"({"n":"3","s":null,"g":"two"})"},
      {"e", R"({"n":true,"g":"one"})"},
      {"f", R"({"n":null,"g":"two","tags":["green"]})"},
      {"g", R"({"s":"w"})"},
  };
  WriteBatch b{"app", {}};
  for (auto& d : docs) b.ops.push_back(op(OpKind::kPut, "q", d[0], d[1]));
  ASSERT_TRUE(write_sync(store(), std::move(b)));
}

namespace {

TEST_P(QueryConformance, EqualityAndRangeUseSingleFieldIndexes) {
  auto eq = query_sync(store(), query("q", {f("g", FilterOp::kEq, R"("one")")}));
  ASSERT_TRUE(eq) << eq.status().message();
  EXPECT_EQ(ids(*eq), (V{"a", "b", "e"}));
  EXPECT_EQ(eq->plan, "index");
  auto range = query_sync(store(), query("q", {f("n", FilterOp::kGe, "2")}));
  ASSERT_TRUE(range);
  EXPECT_EQ(ids(*range), (V{"b", "c"}));  // only numbers: "3" and true are other types
  auto nested = query_sync(store(), query("q", {f("addr.city", FilterOp::kEq, R"("Rome")")}));
  EXPECT_EQ(ids(*nested), (V{"b"}));
  auto num_eq = query_sync(store(), query("q", {f("n", FilterOp::kEq, "1.0")}));
  EXPECT_EQ(ids(*num_eq), (V{"a"}));
}

TEST_P(QueryConformance, OrderFollowsFirestoreTypeOrder) {
  auto r = query_sync(store(), query("q", {}, {{"n", false}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(ids(*r), (V{"f", "e", "a", "b", "c", "d"}));  // null < bool < numbers < string; g lacks n
  auto desc = query_sync(store(), query("q", {}, {{"n", true}}));
  EXPECT_EQ(ids(*desc), (V{"d", "c", "b", "a", "e", "f"}));
}

// Every field a document may hold (64 levels) is indexed, so an equality query finds it at any
// depth, not only the first 32 levels.
TEST_P(StoreConformance, FieldsAtEveryDepthAreQueryable) {
  for (int depth : {31, 32, 33, 34, 63, 64}) {
    const std::string id = "d" + std::to_string(depth);
    ASSERT_TRUE(put_sync(store(), "app", "deep", id, nested_json(depth, Shape::kObjects, "7"))) << depth;
    std::string path = "a";
    for (int i = 1; i < depth; ++i) path += ".a";
    auto r = query_sync(store(), query("deep", {f(path, FilterOp::kEq, "7")}));
    ASSERT_TRUE(r) << depth << ": " << r.status().message();
    EXPECT_EQ(ids(*r), (V{id})) << "a field " << depth << " levels deep";
  }
}

TEST_P(QueryConformance, MembershipAndArrayOperators) {
  EXPECT_EQ(ids(query_sync(store(), query("q", {f("s", FilterOp::kIn, R"(["x","z"])")}))), (V{"a", "c"}));
  EXPECT_EQ(ids(query_sync(store(), query("q", {f("tags", FilterOp::kArrayContains, R"("blue")")}))), (V{"a", "b"}));
  auto any = query_sync(store(), query("q", {f("tags", FilterOp::kArrayContainsAny, R"(["red","blue","green"])")}));
  auto any_ids = ids(*any);
  EXPECT_EQ(std::set<std::string>(any_ids.begin(), any_ids.end()), (std::set<std::string>{"a", "b", "f"}));
  EXPECT_EQ(any_ids.size(), 3u);
  EXPECT_EQ(ids(query_sync(store(), query("q", {f("s", FilterOp::kNotIn, R"(["x","y",null])")}))), (V{"g", "c"}));
  EXPECT_EQ(ids(query_sync(store(), query("q", {f("g", FilterOp::kNe, R"("one")")}))), (V{"c", "d", "f"}));
}

TEST_P(QueryConformance, CursorsPageThroughEverythingOnce) {
  for (auto order : {std::vector<OrderBy>{}, std::vector<OrderBy>{{"n", false}}, std::vector<OrderBy>{{"n", true}}}) {
    std::vector<std::string> seen;
    Query q = query("q", {}, order, 2);
    for (int page = 0; page < 10; ++page) {
      auto r = query_sync(store(), q);
      ASSERT_TRUE(r) << r.status().message();
      for (auto& id : ids(*r)) seen.push_back(id);
      if (r->next.empty()) break;
      q.after = r->next;
    }
    EXPECT_EQ(seen.size(), order.empty() ? 7u : 6u);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
  }
  Query bad = query("q", {}, {}, 2);
  bad.after = "not-a-cursor";
  EXPECT_EQ(query_sync(store(), bad).status().code(), Code::kInvalidArgument);
  auto first = query_sync(store(), query("q", {}, {{"n", false}}, 2));
  Query other = query("q", {}, {}, 2);
  other.after = first->next;
  EXPECT_EQ(query_sync(store(), other).status().code(), Code::kInvalidArgument);
}

TEST_P(QueryConformance, CountCountsWithoutLimit) {
  Query q = query("q", {f("g", FilterOp::kEq, R"("two")")}, {}, 1);
  q.count_only = true;
  auto r = query_sync(store(), q);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->count, 3);
  EXPECT_TRUE(r->docs.empty());
}

TEST_P(QueryConformance, CompositeQueriesNeedAnIndexOrAllowScans) {
  Query q = query("q", {f("g", FilterOp::kEq, R"("one")")}, {{"n", true}});
  auto missing = query_sync(store(), q);
  EXPECT_EQ(missing.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(missing.status().details_json().find("q:g:asc:n:desc"), std::string::npos)
      << missing.status().details_json();
  q.allow_scan = true;
  auto scan = query_sync(store(), q);
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->plan, "scan");
  EXPECT_EQ(ids(*scan), (V{"b", "a", "e"}));
  q.allow_scan = false;
  auto def = await<IndexDef>([&](auto cb) {
    store().create_index("app", {"", "q", {{"g", false}, {"n", true}}, ""}, cb);
  });
  ASSERT_TRUE(def) << def.status().message();
  EXPECT_EQ(def->name, "q:g:asc:n:desc");
  for (int i = 0; i < 200; ++i) {
    auto list = await<std::vector<IndexDef>>([&](auto cb) { store().list_indexes("app", cb); });
    if (list->size() == 1 && list->at(0).state == "ready") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto indexed = query_sync(store(), q);
  ASSERT_TRUE(indexed) << indexed.status().message();
  EXPECT_EQ(indexed->plan, "index");
  EXPECT_EQ(ids(*indexed), (V{"b", "a", "e"}));
  // Written after the index exists: maintained on write.
  ASSERT_TRUE(put_sync(store(), "app", "q", "h", R"({"g":"one","n":9})"));
  EXPECT_EQ(ids(query_sync(store(), q)), (V{"h", "b", "a", "e"}));
  Query reversed = query("q", {f("g", FilterOp::kEq, R"("one")")}, {{"n", false}});
  EXPECT_EQ(ids(query_sync(store(), reversed)), (V{"e", "a", "b", "h"}));
  Query ranged = query("q", {f("g", FilterOp::kEq, R"("one")"), f("n", FilterOp::kLt, "9")}, {{"n", true}});
  EXPECT_EQ(ids(query_sync(store(), ranged)), (V{"b", "a"}));
  EXPECT_TRUE(await_status([&](auto cb) { store().drop_index("app", "q:g:asc:n:desc", cb); }));
  EXPECT_EQ(query_sync(store(), q).status().code(), Code::kFailedPrecondition);
}

TEST_P(StoreConformance, MetaRecordsRoundTrip) {
  EXPECT_TRUE(await_status([&](auto cb) { store().put_meta("quota/1/app", "1,2,3", cb); }));
  EXPECT_TRUE(await_status([&](auto cb) { store().put_meta("quota/1/app", "4,5,6", cb); }));
  EXPECT_TRUE(await_status([&](auto cb) { store().put_meta("other", "x", cb); }));
  auto r =
      await<std::vector<std::pair<std::string, std::string>>>([&](auto cb) { store().get_meta_prefix("quota/", cb); });
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->at(0).second, "4,5,6");
}

}  // namespace

}  // namespace headroom::storage::testing
