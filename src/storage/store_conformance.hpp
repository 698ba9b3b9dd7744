#pragma once
// The conformance suite for Store implementations. An implementation's test file provides a
// factory and instantiates the suite:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance, ::testing::Values(StoreFactory{"sqlite", open_fn}));
// `open` is called with a fresh directory; calling it again with the same directory must reopen
// the same data (durability tests).
#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <memory>
#include <string>

#include "storage/store.hpp"

namespace headroom::storage::testing {

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
};
inline std::string PrintToString(const StoreFactory& f) { return f.name; }

// Blocking helpers for tests.
template <typename T, typename Fn>
Result<T> await(Fn&& start) {
  std::promise<Result<T>> p;
  auto f = p.get_future();
  start([&p](Result<T> r) { p.set_value(std::move(r)); });
  return f.get();
}
Status await_status(const std::function<void(StatusCallback)>& start);

Result<std::vector<WriteResult>> write_sync(Store& s, WriteBatch b);
// A JSON object from test text (parse_json_exact, the store's own parser).
Result<boost::json::object> object_from(std::string_view text);
// A JSON object nesting exactly `depth` levels (the object itself is level 1). kArrays is the
// shape of issue 12's report, {"a":[[[…1…]]]}; kObjects nests objects {"a":{"a":…{"a":1}}} (what
// a merge patch recurses into).
enum class Shape { kArrays, kObjects };
std::string nested_json(int depth, Shape shape = Shape::kArrays, std::string_view leaf = "1");
// The depths issue 12 pins: either side of Boost.JSON's default limit (32) and of ours (64).
inline constexpr int kRoundTripDepths[] = {31, 32, 33, 63, 64};
Result<WriteResult> put_sync(Store& s, const std::string& app, const std::string& col, const std::string& id,
                             const std::string& data, Precondition pre = {});
Result<std::optional<Document>> get_sync(Store& s, const std::string& app, const std::string& col,
                                         const std::string& id);
Result<QueryResult> query_sync(Store& s, Query q);
std::string temp_dir(const std::string& tag);

class StoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;
  void reopen();
  Store& store() { return *store_; }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

// Same, with a small collection "q" of mixed-type documents loaded (query tests).
class QueryConformance : public StoreConformance {
 protected:
  void SetUp() override;
};

}  // namespace headroom::storage::testing
