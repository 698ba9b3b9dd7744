#pragma once
// Plain pub/sub clients for the reference peers: NATS over WebSocket (text protocol inside
// binary frames) and Redis over TCP (RESP). Enough of each protocol to subscribe, publish and
// find the send-time markers of what arrives.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "messages.hpp"
#include "net.hpp"

namespace headroom::bench {

enum class RawProtocol { kNats, kRedis };

class RawSubscriber;
struct RawEvents {
  std::function<void(RawSubscriber&)> on_subscribed;
  std::function<void(RawSubscriber&, int64_t marker_ns)> on_marker;
  std::function<void(RawSubscriber&, std::string_view reason)> on_closed;
};

// A subscriber to one subject/channel.
class RawSubscriber final : public StreamHandler, public std::enable_shared_from_this<RawSubscriber> {
 public:
  RawSubscriber(RawProtocol protocol, std::string subject, const RawEvents& events, size_t id)
      : protocol_(protocol), subject_(std::move(subject)), events_(events), id_(id) {}
  void connect(Loop& loop, const Endpoint& server, const std::string& source_ip);
  void close() {
    if (conn_) conn_->close();
  }
  [[nodiscard]] size_t id() const { return id_; }
  [[nodiscard]] Loop* loop() const { return loop_; }
  [[nodiscard]] bool subscribed() const { return subscribed_; }
  int64_t started_ns = 0;

  void on_open() override;
  void on_message(std::string_view payload, bool binary) override { on_data(payload), (void)binary; }
  void on_data(std::string_view bytes) override;
  void on_closed(std::string_view reason) override {
    if (events_.on_closed) events_.on_closed(*this, reason);
  }

 private:
  RawProtocol protocol_;
  std::string subject_;
  const RawEvents& events_;
  size_t id_;
  Loop* loop_ = nullptr;
  std::shared_ptr<StreamConn> conn_;
  MarkerScanner scanner_;
  bool subscribed_ = false;
};

// A publisher: NATS PUB (no acknowledgement) or Redis PUBLISH (the reply is the ack).
class RawPublisher final : public StreamHandler, public std::enable_shared_from_this<RawPublisher> {
 public:
  using Ack = std::function<void(int64_t intended_ns)>;
  RawPublisher(RawProtocol protocol, std::string subject, Ack ack)
      : protocol_(protocol), subject_(std::move(subject)), ack_(std::move(ack)) {}
  void connect(Loop& loop, const Endpoint& server);
  void publish(int64_t intended_ns, std::string_view payload);  // payload without spaces or CRLF
  [[nodiscard]] bool ready() const { return ready_; }
  [[nodiscard]] size_t backlog() const { return in_flight_.size(); }
  void close() {
    if (conn_) conn_->close();
  }

  void on_open() override;
  void on_message(std::string_view payload, bool binary) override { on_data(payload), (void)binary; }
  void on_data(std::string_view bytes) override;

 private:
  RawProtocol protocol_;
  std::string subject_;
  Ack ack_;
  std::shared_ptr<StreamConn> conn_;
  std::deque<int64_t> in_flight_;
  bool ready_ = false;
};

}  // namespace headroom::bench
