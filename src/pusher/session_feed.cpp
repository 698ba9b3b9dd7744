// Change-feed resume: pusher:subscribe {"channel":"db-posts","since":N} replays the change-log
// entries after N for that collection, then goes live (docs/protocol.md). The log read completes
// on a store thread; its result is posted back to this session's loop. Live changes that arrive
// meanwhile are held and sent after the replay, without the ones the replay already carried.
#include <algorithm>
#include <limits>

#include "channels/channel_name.hpp"
#include "pusher/session.hpp"

namespace headroom::pusher {

namespace {

std::string recovery_failed(const std::string& channel, uint64_t since, const std::string& reason) {
  return server_message("headroom:recovery_failed", channel,
                        "{\"since\":" + std::to_string(since) + ",\"reason\":" + quoted(reason) + "}");
}

}  // namespace

// Built on the loop thread; called from any thread: runs fn on this session's loop if it still lives.
Session::LoopPoster Session::loop_poster() {
  return [alive = std::weak_ptr<int>(alive_), executor = loop_.executor.get()](std::function<void()> fn) {
    executor->post([alive, fn = std::move(fn)] {
      if (alive.lock()) fn();  // the session lives and dies on this loop: no race with the check
    });
  };
}

void Session::start_feed_replay(const std::string& channel, Subscription& sub, uint64_t since) {
  sub.last_offset = since;
  if (!hub_.changes().has_log()) return fail_feed_replay(channel, sub, since, "the change log is not available");
  if (since > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() - 1)) {
    return fail_feed_replay(channel, sub, since,
                            "seq " + std::to_string(since) + " is beyond the change log's last seq");
  }
  sub.replaying = true;
  sub.replay_id = ++replays_;
  const uint64_t id = sub.replay_id;
  const std::string collection(channels::db_collection(channel));
  hub_.changes().read(
      app_->id, collection, static_cast<int64_t>(since), kMaxFeedReplay + 1,
      [this, post = loop_poster(), channel, id, since](Result<std::vector<storage::Change>> changes) {
        auto shared = std::make_shared<Result<std::vector<storage::Change>>>(std::move(changes));
        post([this, channel, id, since, shared] { on_feed_read(channel, id, since, std::move(*shared)); });
      });
}

void Session::on_feed_read(const std::string& channel, uint64_t replay_id, uint64_t since,
                           Result<std::vector<storage::Change>> changes) {
  auto it = subs_.find(channel);
  if (closed_ || it == subs_.end() || !it->second.replaying || it->second.replay_id != replay_id) return;
  Subscription& sub = it->second;
  if (!changes) {
    return fail_feed_replay(channel, sub, since, "the change log could not be read: " + changes.status().message());
  }
  if (changes->size() > static_cast<size_t>(kMaxFeedReplay)) {
    return fail_feed_replay(
        channel, sub, since,
        "too far behind: more than " + std::to_string(kMaxFeedReplay) + " changes since " + std::to_string(since));
  }
  size_t bytes = 0;
  for (const auto& c : *changes) bytes += c.doc_json.size() + c.id.size() + 96;
  const auto budget = static_cast<size_t>(std::max<int64_t>(hub_.config().websocket.send_buffer_bytes / 2, 0));
  if (budget > 0 && bytes > budget) {
    return fail_feed_replay(channel, sub, since,
                            "too far behind: the missed changes exceed " + std::to_string(budget) + " bytes");
  }
  if (!changes->empty() && changes->front().seq == static_cast<int64_t>(since) + 1) {
    return finish_feed_replay(channel, sub, since, *changes);  // the log holds since+1: nothing trimmed
  }
  // Is the log still whole from since+1 on? It is app-wide, gap-free, trimmed only from the front
  // and never of its newest entry, so the first entry at or after `since` tells: above since+1 —
  // trimmed; none while since > 0 — since is beyond the log (a restored database). Read after the
  // collection's entries, so a trim in between fails safe.
  auto shared = std::make_shared<std::vector<storage::Change>>(std::move(*changes));
  hub_.changes().read(
      app_->id, "", static_cast<int64_t>(since) - 1, 1,
      [this, post = loop_poster(), channel, replay_id, since, shared](Result<std::vector<storage::Change>> head) {
        auto first = std::make_shared<Result<std::vector<storage::Change>>>(std::move(head));
        post([this, channel, replay_id, since, shared, first] {
          auto it = subs_.find(channel);
          if (closed_ || it == subs_.end() || !it->second.replaying || it->second.replay_id != replay_id) return;
          if (!*first) {
            return fail_feed_replay(channel, it->second, since,
                                    "the change log could not be read: " + first->status().message());
          }
          if ((*first)->empty() && since > 0) {
            return fail_feed_replay(channel, it->second, since,
                                    "seq " + std::to_string(since) + " is beyond the change log's last seq");
          }
          if (!(*first)->empty() && (*first)->front().seq > static_cast<int64_t>(since) + 1) {
            return fail_feed_replay(channel, it->second, since,
                                    "the change log no longer holds seq " + std::to_string(since + 1) +
                                        " (trimmed after data.change_log_retention_hours)");
          }
          finish_feed_replay(channel, it->second, since, *shared);
        });
      });
}

void Session::finish_feed_replay(const std::string& channel, Subscription& sub, uint64_t since,
                                 const std::vector<storage::Change>& changes) {
  hub_.stats().recoveries_ok.inc();
  sub.last_offset = since;
  for (const auto& c : changes) {
    if (c.seq <= static_cast<int64_t>(sub.last_offset)) continue;
    send_text(Fanout::document_change_message(channel, c));
    sub.last_offset = static_cast<uint64_t>(c.seq);
  }
  release_held(sub);
}

void Session::fail_feed_replay(const std::string& channel, Subscription& sub, uint64_t since,
                               const std::string& reason) {
  hub_.stats().recoveries_failed.inc();
  send_text(recovery_failed(channel, since, reason));
  release_held(sub);
}

void Session::release_held(Subscription& sub) {
  sub.replaying = false;
  auto held = std::move(sub.held);
  sub.held.clear();
  for (auto& [seq, frame] : held) {
    if (seq <= sub.last_offset) continue;  // the replay carried it
    sub.last_offset = seq;
    transport_.send_frame(frame);
  }
}

}  // namespace headroom::pusher
