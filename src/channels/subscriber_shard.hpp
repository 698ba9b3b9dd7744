#pragma once
// The subscribers of one event loop: channel → connections on that loop. Touched only from its own
// loop's thread, so it needs no lock; publishing posts one shared frame to every loop, and each
// loop's shard hands the same bytes to its subscribers (docs/channels.md).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "channels/broker.hpp"

namespace headroom::channels {

using SharedFrame = std::shared_ptr<const std::string>;

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual const std::string& socket_id() const = 0;
  // The complete WebSocket frame to send (shared, never modified) and its envelope. Must not add
  // to or remove from the shard synchronously (a slow consumer closes later, from its own task).
  virtual void deliver(const SharedFrame& frame, const Envelope& envelope) = 0;
};

class SubscriberShard {
 public:
  static std::string key(std::string_view app, std::string_view channel);

  void add(const std::string& key, Subscriber* s);
  void remove(const std::string& key, Subscriber* s);
  // Delivers to every subscriber of key except the excluded socket id. Returns how many got it.
  size_t deliver(const std::string& key, const SharedFrame& frame, const Envelope& envelope);
  size_t subscribers(const std::string& key) const;
  size_t channel_count() const { return table_.size(); }

 private:
  std::unordered_map<std::string, std::vector<Subscriber*>> table_;
};

}  // namespace headroom::channels
