#pragma once
// The change log as the channels module sees it: `since` on db-* subscriptions reads it.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace headroom::pusher {

// A committed document change as the change log returns it (the channels module does not depend
// on storage; the composition root adapts Documents::read_changes).
struct LoggedChange {
  int64_t seq = 0;
  std::string kind;  // added | modified | removed
  std::string id;
  std::string doc_json;
};
// Changes of app/collection (collection "" = every collection) with seq > after_seq, oldest first,
// at most `limit`. Asynchronous: `done` runs once, on any thread.
using ChangeLogReader = std::function<void(const std::string& app, const std::string& collection, int64_t after_seq,
                                           int limit, std::function<void(Result<std::vector<LoggedChange>>)> done)>;

}  // namespace headroom::pusher
