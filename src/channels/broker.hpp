#pragma once
// Between publishing an event and delivering it to local subscribers. The in-process broker hands
// each envelope straight to the local sink; a Redis broker (DESIGN.md §5) will publish it to the
// other instances too and feed what they publish into the same sink.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace headroom::channels {

struct Envelope {
  std::string app_id;
  std::string channel;
  std::string message;            // the complete Pusher message JSON, serialised once
  std::string exclude_socket_id;  // not delivered to this connection (Pusher's socket_id)
  uint64_t offset = 0;            // recovery offset, 0 when the channel keeps no history
};
using EnvelopePtr = std::shared_ptr<const Envelope>;

// What a publish did. The in-process broker always publishes; a network broker refuses while its
// server is unreachable (the caller answers 503 and counts it) or drops when its queue is full.
enum class PublishResult { kPublished, kUnavailable, kDropped };

class Broker {
 public:
  using Sink = std::function<void(const EnvelopePtr&)>;
  virtual ~Broker() = default;
  // Any thread. Hands the envelope to every subscribed node (this one through the local sink), in
  // the order of the calls for one channel.
  virtual PublishResult publish(EnvelopePtr envelope) = 0;
  // The local delivery; set once before the first publish.
  virtual void set_local_sink(Sink sink) = 0;
};

class InProcessBroker final : public Broker {
 public:
  PublishResult publish(EnvelopePtr envelope) override {
    if (sink_) sink_(envelope);
    return PublishResult::kPublished;
  }
  void set_local_sink(Sink sink) override { sink_ = std::move(sink); }

 private:
  Sink sink_;
};

}  // namespace headroom::channels
