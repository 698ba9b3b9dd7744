#pragma once
// N subscriber connections spread over the loops and source addresses, opened with a bounded
// number of handshakes in flight, each subscribed to one channel (Pusher, NATS or Redis); or,
// with an empty channel, just connected (the idle scenario).
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "common.hpp"
#include "pusher_client.hpp"
#include "raw_pubsub.hpp"

namespace headroom::bench {

class SubscriberSet {
 public:
  SubscriberSet(Context& ctx, Runtime& rt, std::string channel);
  ~SubscriberSet();
  std::function<void(Loop&, int64_t marker_ns)> on_marker;  // set before open()

  // Opens n more connections; returns when all are ready or failed, or at the timeout.
  void open(size_t n, int64_t timeout_ns);
  [[nodiscard]] size_t ready() const { return ready_.load(); }
  [[nodiscard]] size_t failures() const { return failed_.load(); }
  [[nodiscard]] size_t closed_after_ready() const { return dropped_.load(); }
  [[nodiscard]] const Histogram& connect_latency() const { return connect_latency_; }  // after Runtime::stop
  void close_all() {}  // connections close when dropped after Runtime::stop (clear)
  void clear() { clients_.clear(); }

 private:
  void start_one(size_t id);
  void became_ready(Loop& loop, int64_t started_ns);
  void failed(std::string_view reason, bool was_ready);

  Context& ctx_;
  Runtime& rt_;
  std::string channel_;
  PusherEvents pusher_events_;
  RawEvents raw_events_;
  std::vector<std::shared_ptr<StreamHandler>> clients_;
  std::vector<Histogram> loop_connect_;
  Histogram connect_latency_;
  std::atomic<size_t> ready_{0}, failed_{0}, dropped_{0};
  std::atomic<bool> first_error_logged_{false};
};

}  // namespace headroom::bench
