#include "channels/directory.hpp"

#include "core/log.hpp"

namespace headroom::channels {

Result<JoinResult> ChannelDirectory::join(const std::string& app, const std::string& channel, const Member* member,
                                          int max_members) {
  std::lock_guard lock(mu_);
  auto& state = apps_[app][channel];
  JoinResult out;
  if (member) {
    auto it = state.members.find(member->user_id);
    if (it == state.members.end()) {
      if (max_members > 0 && static_cast<int>(state.members.size()) >= max_members) {
        if (state.subscriptions == 0) apps_[app].erase(channel);
        return Status(Code::kResourceExhausted, "presence channel is full");
      }
      it = state.members.emplace(member->user_id, PresenceMember{member->user_info_json, 0}).first;
      out.member_added = true;
    }
    ++it->second.connections;
  }
  out.occupied = state.subscriptions == 0;
  ++state.subscriptions;
  ++total_subscriptions_;
  if (member) {
    out.presence_json = presence_json_locked(state);
    out.member_info = state.members.at(member->user_id).info_json;
  }
  return out;
}

LeaveResult ChannelDirectory::leave(const std::string& app, const std::string& channel, const std::string* user_id) {
  std::lock_guard lock(mu_);
  LeaveResult out;
  auto app_it = apps_.find(app);
  if (app_it == apps_.end()) return out;
  auto it = app_it->second.find(channel);
  if (it == app_it->second.end() || it->second.subscriptions == 0) return out;
  auto& state = it->second;
  if (user_id) {
    auto m = state.members.find(*user_id);
    if (m != state.members.end() && --m->second.connections <= 0) {
      state.members.erase(m);
      out.member_removed = true;
    }
  }
  --state.subscriptions;
  --total_subscriptions_;
  if (state.subscriptions == 0) {
    out.vacated = true;
    app_it->second.erase(it);
    if (app_it->second.empty()) apps_.erase(app_it);
  }
  return out;
}

ChannelInfo ChannelDirectory::info(const std::string& app, const std::string& channel) const {
  std::lock_guard lock(mu_);
  ChannelInfo out;
  auto app_it = apps_.find(app);
  if (app_it == apps_.end()) return out;
  auto it = app_it->second.find(channel);
  if (it == app_it->second.end()) return out;
  out.occupied = it->second.subscriptions > 0;
  out.subscription_count = it->second.subscriptions;
  out.user_count = static_cast<int64_t>(it->second.members.size());
  return out;
}

std::vector<std::pair<std::string, ChannelInfo>> ChannelDirectory::list(const std::string& app,
                                                                        std::string_view prefix) const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, ChannelInfo>> out;
  auto app_it = apps_.find(app);
  if (app_it == apps_.end()) return out;
  for (auto it = app_it->second.lower_bound(std::string(prefix)); it != app_it->second.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (it->second.subscriptions <= 0) continue;
    out.emplace_back(it->first,
                     ChannelInfo{true, it->second.subscriptions, static_cast<int64_t>(it->second.members.size())});
  }
  return out;
}

std::vector<std::string> ChannelDirectory::users(const std::string& app, const std::string& channel) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  auto app_it = apps_.find(app);
  if (app_it == apps_.end()) return out;
  auto it = app_it->second.find(channel);
  if (it == app_it->second.end()) return out;
  for (const auto& [id, m] : it->second.members) out.push_back(id);
  return out;
}

std::string ChannelDirectory::presence(const std::string& app, const std::string& channel) const {
  std::lock_guard lock(mu_);
  static const Occupancy kEmpty;
  auto app_it = apps_.find(app);
  if (app_it == apps_.end()) return presence_json_locked(kEmpty);
  auto it = app_it->second.find(channel);
  return presence_json_locked(it == app_it->second.end() ? kEmpty : it->second);
}

std::optional<std::string> ChannelDirectory::member_info(const std::string& app, const std::string& channel,
                                                         const std::string& user_id) const {
  std::lock_guard lock(mu_);
  auto app_it = apps_.find(app);
  if (app_it == apps_.end()) return std::nullopt;
  auto it = app_it->second.find(channel);
  if (it == app_it->second.end()) return std::nullopt;
  auto m = it->second.members.find(user_id);
  if (m == it->second.members.end()) return std::nullopt;
  return m->second.info_json;
}

std::string ChannelDirectory::presence_json_locked(const Occupancy& state) const {
  std::string ids, hash;
  for (const auto& [id, m] : state.members) {
    const std::string quoted = "\"" + log::json_escape(id) + "\"";
    if (!ids.empty()) {
      ids += ',';
      hash += ',';
    }
    ids += quoted;
    hash += quoted + ":" + m.info_json;
  }
  return "{\"presence\":{\"ids\":[" + ids + "],\"hash\":{" + hash +
         "},\"count\":" + std::to_string(state.members.size()) + "}}";
}

void ChannelDirectory::set_cached(const std::string& app, const std::string& channel, std::string message) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.unix_ms();
  cache_[{app, channel}] = Cached{std::move(message), now + cache_ttl_ms_};
  if (cache_.size() > max_cached_) trim_cache_locked(now);
}

std::optional<std::string> ChannelDirectory::cached(const std::string& app, const std::string& channel) const {
  std::lock_guard lock(mu_);
  auto it = cache_.find({app, channel});
  if (it == cache_.end() || it->second.expires_ms <= clock_.unix_ms()) return std::nullopt;
  return it->second.message;
}

void ChannelDirectory::trim_cache_locked(int64_t now_ms) {
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->second.expires_ms <= now_ms ? cache_.erase(it) : std::next(it);
  }
  while (cache_.size() > max_cached_) cache_.erase(cache_.begin());
}

size_t ChannelDirectory::channel_count() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [app, chans] : apps_) n += chans.size();
  return n;
}

int64_t ChannelDirectory::subscription_count() const {
  std::lock_guard lock(mu_);
  return total_subscriptions_;
}

void ChannelDirectory::join(const std::string& app, const std::string& channel, const Member* member, int max_members,
                            Done<JoinResult> done) {
  auto answer = join(app, channel, member, max_members);
  if (done) done(std::move(answer));
}

void ChannelDirectory::leave(const std::string& app, const std::string& channel, const std::string* user_id,
                             Done<LeaveResult> done) {
  auto answer = leave(app, channel, user_id);
  if (done) done(std::move(answer));
}

void ChannelDirectory::info(const std::string& app, const std::string& channel, Done<ChannelInfo> done) {
  auto answer = info(app, channel);
  if (done) done(std::move(answer));
}

void ChannelDirectory::list(const std::string& app, std::string_view prefix, Done<ChannelList> done) {
  auto answer = list(app, prefix);
  if (done) done(std::move(answer));
}

void ChannelDirectory::users(const std::string& app, const std::string& channel, Done<std::vector<std::string>> done) {
  auto answer = users(app, channel);
  if (done) done(std::move(answer));
}

void ChannelDirectory::presence(const std::string& app, const std::string& channel, Done<std::string> done) {
  auto answer = presence(app, channel);
  if (done) done(std::move(answer));
}

void ChannelDirectory::cached(const std::string& app, const std::string& channel,
                              Done<std::optional<std::string>> done) {
  auto answer = cached(app, channel);
  if (done) done(std::move(answer));
}

}  // namespace headroom::channels
