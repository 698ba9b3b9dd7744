#include "channels/history.hpp"

namespace headroom::channels {

const config::HistoryRule* MemoryHistory::rule_for(std::string_view channel) const {
  const config::HistoryRule* best = nullptr;
  for (const auto& rule : rules_) {
    if (channel.substr(0, rule.prefix.size()) == rule.prefix && (!best || rule.prefix.size() > best->prefix.size())) {
      best = &rule;
    }
  }
  return best;
}

void MemoryHistory::expire_locked(Log& log, int64_t now_ms) const {
  while (!log.events.empty() && (static_cast<int>(log.events.size()) > log.size ||
                                 log.events.front().first + int64_t{log.ttl_s} * 1000 <= now_ms)) {
    log.events.pop_front();
  }
}

void MemoryHistory::append(const std::string& app, const std::string& channel, const config::HistoryRule& rule,
                           const Build& build, const Publish& publish) {
  std::lock_guard lock(mu_);
  auto& log = logs_[{app, channel}];
  log.size = rule.size;
  log.ttl_s = rule.ttl_s;
  const uint64_t offset = log.next_offset++;
  const int64_t now = clock_.unix_ms();
  log.events.emplace_back(now, StoredEvent{offset, build(offset)});
  expire_locked(log, now);
  const std::string& message = log.events.empty() ? build(offset) : log.events.back().second.message;
  publish(offset, message);
}

std::optional<std::vector<StoredEvent>> MemoryHistory::since(const std::string& app, const std::string& channel,
                                                             uint64_t since_offset,
                                                             const std::function<void()>& run_locked) {
  std::lock_guard lock(mu_);
  std::vector<StoredEvent> out;
  auto it = logs_.find({app, channel});
  const uint64_t last = it == logs_.end() ? 0 : it->second.next_offset - 1;
  if (since_offset > last) return std::nullopt;  // from another life of this channel
  if (it != logs_.end()) {
    auto& log = it->second;
    expire_locked(log, clock_.unix_ms());
    const uint64_t first_kept = log.events.empty() ? log.next_offset : log.events.front().second.offset;
    if (since_offset + 1 < first_kept) return std::nullopt;  // some were dropped
    for (const auto& [at, ev] : log.events) {
      if (ev.offset > since_offset) out.push_back(ev);
    }
  }
  if (run_locked) run_locked();
  return out;
}

size_t MemoryHistory::channel_count() const {
  std::lock_guard lock(mu_);
  return logs_.size();
}

void MemoryHistory::since(const std::string& app, const std::string& channel, uint64_t since_offset, SinceDone done) {
  done(since(app, channel, since_offset));
}

}  // namespace headroom::channels
