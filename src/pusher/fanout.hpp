#pragma once
// Publishing and fan-out: stamps an event (cache channel, history offset), hands it to the broker,
// and delivers what the broker passes back to this node's subscribers — serialised once into a
// WebSocket frame that every loop shares (docs/channels.md). Also owns the per-loop state (each
// loop's subscriber shard and sessions) and runs work on every loop.
#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "channels/broker.hpp"
#include "channels/subscriber_shard.hpp"
#include "config/config.hpp"
#include "core/executor.hpp"
#include "pusher/backends.hpp"
#include "pusher/stats.hpp"
#include "storage/change.hpp"

namespace headroom::pusher {

class Session;

// One per event loop; touched only on that loop's thread (except `executor`, which posts to it).
struct Loop {
  std::unique_ptr<Executor> executor;
  channels::SubscriberShard subscribers;
  std::unordered_set<Session*> sessions;
};

class Fanout {
 public:
  static constexpr size_t kMaxLoops = 256;

  // Sets itself as the broker's local sink.
  Fanout(ChannelBackends backends, Stats& stats);
  Fanout(const Fanout&) = delete;
  Fanout& operator=(const Fanout&) = delete;

  // The loop for an event-loop identity (e.g. its io_context), created on first use.
  Loop& loop_for(const void* identity, const std::function<std::unique_ptr<Executor>()>& make_executor);
  // Posts fn(loop) to every loop; fn runs on that loop's thread. Any thread.
  void on_every_loop(const std::function<void(Loop&)>& fn);

  // Any thread. message is the complete Pusher message; cache channels keep it and history
  // channels stamp it with an offset first. What the broker did is counted (a refused publish in
  // headroom_events_publish_failed_total) and returned.
  channels::PublishResult publish(const config::AppConfig& app, const std::string& channel, std::string message,
                                  std::string exclude_socket_id = {});
  // A committed document change (DESIGN.md §1 change feeds): headroom:added|modified|removed with
  // {"id","seq","doc"} on db-{collection} and private-db-{collection}, offset = seq. Delivered to
  // this node's subscribers only: the change bus brings every node each change once (in a cluster
  // through its cross-node leg), so going through the broker would deliver it once per node.
  void publish_document_change(const storage::Change& change);
  // The message publish_document_change sends on `channel`, for replays from the change log.
  static std::string document_change_message(const std::string& channel, const storage::Change& change);
  // Sessions count their db-* subscriptions here, so a change nobody on this node follows costs
  // nothing (no message, no frame, no post to the loops). Any thread.
  void count_feed_subscription(int delta) { feed_subscriptions_.fetch_add(delta); }

 private:
  void deliver_local(const channels::EnvelopePtr& env);

  ChannelBackends backends_;
  Stats& stats_;
  std::mutex loops_mu_;
  std::map<const void*, Loop*> loop_by_identity_;
  std::array<std::unique_ptr<Loop>, kMaxLoops> loops_;
  std::atomic<size_t> loop_count_{0};
  std::atomic<int64_t> feed_subscriptions_{0};
};

}  // namespace headroom::pusher
