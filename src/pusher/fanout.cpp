#include "pusher/fanout.hpp"

#include "channels/channel_name.hpp"
#include "pusher/protocol.hpp"
#include "pusher/session.hpp"
#include "pusher/ws_frame.hpp"

namespace headroom::pusher {

Fanout::Fanout(ChannelBackends backends, Stats& stats) : backends_(backends), stats_(stats) {
  backends_.broker.set_local_sink([this](const channels::EnvelopePtr& env) { deliver_local(env); });
}

Loop& Fanout::loop_for(const void* identity, const std::function<std::unique_ptr<Executor>()>& make_executor) {
  std::lock_guard lock(loops_mu_);
  auto it = loop_by_identity_.find(identity);
  if (it != loop_by_identity_.end()) return *it->second;
  const size_t n = loop_count_.load();
  if (n >= kMaxLoops) return *loops_[n % kMaxLoops];  // never in practice: one loop per core
  loops_[n] = std::make_unique<Loop>();
  loops_[n]->executor = make_executor();
  loop_by_identity_[identity] = loops_[n].get();
  loop_count_.store(n + 1, std::memory_order_release);
  return *loops_[n];
}

void Fanout::on_every_loop(const std::function<void(Loop&)>& fn) {
  const size_t n = loop_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i) {
    Loop& loop = *loops_[i];
    loop.executor->post([&loop, fn] { fn(loop); });
  }
}

channels::PublishResult Fanout::publish(const config::AppConfig& app, const std::string& channel, std::string message,
                                        std::string exclude_socket_id) {
  stats_.events_published.inc();
  channels::PublishResult result;
  auto send = [&](uint64_t offset, const std::string& msg) {
    auto env = std::make_shared<channels::Envelope>();
    env->app_id = app.id;
    env->channel = channel;
    env->message = msg;
    env->exclude_socket_id = exclude_socket_id;
    env->offset = offset;
    result = backends_.broker.publish(std::move(env));
  };
  if (channels::classify(channel).cache) backends_.state.set_cached(app.id, channel, message);
  if (const auto* rule = backends_.history.rule_for(channel)) {
    backends_.history.append(
        app.id, channel, *rule, [&](uint64_t offset) { return with_offset(message, offset); }, send);
  } else {
    send(0, message);
  }
  if (result != channels::PublishResult::kPublished) stats_.events_publish_failed.inc();
  return result;
}

std::string Fanout::document_change_message(const std::string& channel, const storage::Change& change) {
  const std::string data = "{\"id\":" + quoted(change.id) + ",\"seq\":" + std::to_string(change.seq) +
                           ",\"doc\":" + (change.doc_json.empty() ? std::string("null") : change.doc_json) + "}";
  return server_message_str("headroom:" + std::string(storage::change_kind_name(change.kind)), channel, data);
}

void Fanout::publish_document_change(const storage::Change& change) {
  // Sequentially consistent, like the increment: a subscriber counted before it starts its replay
  // read is seen by every commit the read may have missed.
  if (feed_subscriptions_.load() <= 0) return;
  for (const std::string& channel : {"db-" + change.collection, "private-db-" + change.collection}) {
    auto env = std::make_shared<channels::Envelope>();
    env->app_id = change.app;
    env->channel = channel;
    env->message = document_change_message(channel, change);
    env->offset = static_cast<uint64_t>(change.seq);
    stats_.events_published.inc();
    deliver_local(env);
  }
}

void Fanout::deliver_local(const channels::EnvelopePtr& env) {
  auto frame = std::make_shared<const std::string>(ws::encode_frame(ws::Opcode::kText, env->message));
  auto key = std::make_shared<const std::string>(channels::SubscriberShard::key(env->app_id, env->channel));
  const size_t n = loop_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i) {
    Loop& loop = *loops_[i];
    loop.executor->post([this, &loop, frame, key, env] {
      const size_t delivered = loop.subscribers.deliver(*key, frame, *env);
      stats_.messages_out.inc(delivered);
      stats_.bytes_out.inc(delivered * frame->size());
    });
  }
}

}  // namespace headroom::pusher
