#pragma once
// The one route of a committed change (docs/architecture.md, "a committed change"). The store's
// listener publishes each change here once, after it is durable and before its write is
// acknowledged; subscribers (the cache's invalidation, the `db-*` fan-out) receive every change in
// seq order per app. Replays (`since` on a feed) read the change log through the same bus.
//
// In a cluster the bus gains a cross-node leg (changes committed on other nodes are published here
// by that leg); subscribers do not change. Typical use, at the composition root:
//   storage::ChangeBus bus;
//   bus.subscribe([&cache](const storage::Change& c) { cache.invalidate_doc(c.app, c.collection, c.id); });
//   store.add_change_listener([&bus](const storage::Change& c) { bus.publish(c); });
//   bus.set_log([&store](auto app, auto col, int64_t after, int limit, auto done) { ... });
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "storage/change.hpp"

namespace headroom::storage {

class ChangeBus {
 public:
  // Runs on the publishing thread (a store thread): keep it short, hand work to other threads.
  using Subscriber = std::function<void(const Change&)>;
  using ReadDone = std::function<void(Result<std::vector<Change>>)>;
  // Changes of `app` (one collection, or every collection when empty) with seq > after_seq, oldest
  // first, at most `limit`. `done` runs once, on any thread.
  using LogReader = std::function<void(const std::string& app, const std::string& collection, int64_t after_seq,
                                       int limit, ReadDone done)>;

  ChangeBus() = default;
  ChangeBus(const ChangeBus&) = delete;
  ChangeBus& operator=(const ChangeBus&) = delete;

  // Any time; later publishes reach it. Subscribers are called in the order they were added.
  void subscribe(Subscriber subscriber);
  // Delivers one committed change to every subscriber, on the calling thread.
  void publish(const Change& change) const;

  // Where replays read; set once by the module that owns the store. Without one, reads fail
  // UNAVAILABLE (the documents are off).
  void set_log(LogReader reader);
  bool has_log() const;
  void read(const std::string& app, const std::string& collection, int64_t after_seq, int limit, ReadDone done) const;

 private:
  using Subscribers = std::vector<Subscriber>;
  mutable std::mutex mu_;
  // Copied on subscribe, shared by publishes: a publish never holds the lock while it calls out.
  std::shared_ptr<const Subscribers> subscribers_ = std::make_shared<Subscribers>();
  std::shared_ptr<const LogReader> reader_;
};

}  // namespace headroom::storage
