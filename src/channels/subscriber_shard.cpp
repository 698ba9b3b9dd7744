#include "channels/subscriber_shard.hpp"

#include <algorithm>

namespace headroom::channels {

std::string SubscriberShard::key(std::string_view app, std::string_view channel) {
  std::string k;
  k.reserve(app.size() + channel.size() + 1);
  k.append(app).push_back('\x1f');
  k.append(channel);
  return k;
}

void SubscriberShard::add(const std::string& key, Subscriber* s) {
  auto& list = table_[key];
  if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
}

void SubscriberShard::remove(const std::string& key, Subscriber* s) {
  auto it = table_.find(key);
  if (it == table_.end()) return;
  auto& list = it->second;
  auto pos = std::find(list.begin(), list.end(), s);
  if (pos != list.end()) {
    *pos = list.back();
    list.pop_back();
  }
  if (list.empty()) table_.erase(it);
}

size_t SubscriberShard::deliver(const std::string& key, const SharedFrame& frame, const Envelope& envelope) {
  auto it = table_.find(key);
  if (it == table_.end()) return 0;
  size_t n = 0;
  for (Subscriber* s : it->second) {
    if (!envelope.exclude_socket_id.empty() && s->socket_id() == envelope.exclude_socket_id) continue;
    s->deliver(frame, envelope);
    ++n;
  }
  return n;
}

size_t SubscriberShard::subscribers(const std::string& key) const {
  auto it = table_.find(key);
  return it == table_.end() ? 0 : it->second.size();
}

}  // namespace headroom::channels
