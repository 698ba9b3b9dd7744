#pragma once
// Writes whole documents (system fields included) into a database file exactly as the store
// lays them out: the document row, its index entries and a change-log row. Used by point-in-time
// replay and by import. The caller owns the transaction.
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ops/sql.hpp"
#include "storage/index_keys.hpp"
#include "storage/store.hpp"

namespace headroom::ops {

struct Entry {
  std::string app, col, id;
  std::string doc;  // the document as clients see it (system fields + user fields); {"_id"} for removals
  int64_t seq = 0;
  int64_t kind = 0;  // storage::ChangeKind; 0: added or modified, whichever applies
  int64_t ts = 0;    // Unix ms of the change
  // The parsed `doc`, when the caller has it (import validated it): applied as it is. Without it
  // (replay of change-log rows the server wrote) `doc` is parsed with storage::parse_stored_object.
  std::optional<boost::json::object> value = std::nullopt;
};

class Applier {
 public:
  static Result<std::unique_ptr<Applier>> open(Conn& db);
  Applier(const Applier&) = delete;
  Applier& operator=(const Applier&) = delete;
  Status apply(Entry& e);

 private:
  using Defs = std::map<std::pair<std::string, std::string>, std::vector<storage::IndexDef>>;
  Applier(Conn& db, Defs defs) : db_(db), defs_(std::move(defs)) {}
  Query& q(const char* sql) { return *cache_.at(sql); }
  Result<std::optional<storage::Document>> load(const Entry& e);
  Status index_diff(const Entry& e, std::vector<storage::IndexEntry> before, std::vector<storage::IndexEntry> after);

  Conn& db_;
  Defs defs_;
  std::map<std::string, std::unique_ptr<Query>> cache_;
};

}  // namespace headroom::ops
