#pragma once
// Test doubles of the channels module's backends that behave like network ones: answers wait
// until the test releases them (as a Redis round trip would), and a broker that can refuse. They
// wrap the in-memory implementations, so the state they keep is real.
#include <deque>
#include <functional>
#include <utility>

#include "channels/broker.hpp"
#include "channels/channel_state.hpp"
#include "channels/directory.hpp"
#include "channels/history.hpp"

namespace headroom::pusher::testing {

// Runs the calls it queued, oldest first (answers queued while answering run too).
class PendingAnswers {
 public:
  void queue(std::function<void()> fn) { pending_.push_back(std::move(fn)); }
  size_t waiting() const { return pending_.size(); }
  void answer_all() {
    while (!pending_.empty()) {
      auto fn = std::move(pending_.front());
      pending_.pop_front();
      fn();
    }
  }

 private:
  std::deque<std::function<void()>> pending_;
};

// Each call reaches the in-memory state only when the test answers it; `fail_next` makes the next
// answered call fail instead.
class DeferredChannelState final : public channels::ChannelState {
 public:
  explicit DeferredChannelState(Clock& clock) : real_(clock) {}
  PendingAnswers answers;
  channels::ChannelDirectory& real() { return real_; }
  void fail_next(Status s) { fail_next_ = std::move(s); }

  void join(const std::string& app, const std::string& channel, const channels::Member* member, int max_members,
            Done<channels::JoinResult> done) override {
    std::optional<channels::Member> m;
    if (member) m = *member;  // pointers are read during the call only
    answers.queue([=, this] {
      if (failing(done)) return;
      real_.join(app, channel, m ? &*m : nullptr, max_members, done);
    });
  }
  void leave(const std::string& app, const std::string& channel, const std::string* user_id,
             Done<channels::LeaveResult> done) override {
    std::optional<std::string> u;
    if (user_id) u = *user_id;
    answers.queue([=, this] { real_.leave(app, channel, u ? &*u : nullptr, done); });
  }
  void info(const std::string& app, const std::string& channel, Done<channels::ChannelInfo> done) override {
    answers.queue([=, this] {
      if (failing(done)) return;
      real_.info(app, channel, done);
    });
  }
  void list(const std::string& app, std::string_view prefix, Done<channels::ChannelList> done) override {
    answers.queue([=, this, prefix = std::string(prefix)] { real_.list(app, prefix, done); });
  }
  void users(const std::string& app, const std::string& channel, Done<std::vector<std::string>> done) override {
    answers.queue([=, this] { real_.users(app, channel, done); });
  }
  void presence(const std::string& app, const std::string& channel, Done<std::string> done) override {
    answers.queue([=, this] { real_.presence(app, channel, done); });
  }
  void set_cached(const std::string& app, const std::string& channel, std::string message) override {
    real_.set_cached(app, channel, std::move(message));
  }
  void cached(const std::string& app, const std::string& channel, Done<std::optional<std::string>> done) override {
    answers.queue([=, this] { real_.cached(app, channel, done); });
  }
  size_t channel_count() const override { return real_.channel_count(); }
  int64_t subscription_count() const override { return real_.subscription_count(); }

 private:
  template <typename T>
  bool failing(const Done<T>& done) {
    if (!fail_next_) return false;
    Status s = std::move(*fail_next_);
    fail_next_.reset();
    if (done) done(std::move(s));
    return true;
  }
  channels::ChannelDirectory real_;
  std::optional<Status> fail_next_;
};

// Appends at once (publishing in offset order, as a shared store's script does); `since` waits.
class DeferredHistory final : public channels::History {
 public:
  DeferredHistory(std::vector<config::HistoryRule> rules, Clock& clock) : real_(std::move(rules), clock) {}
  PendingAnswers answers;

  const config::HistoryRule* rule_for(std::string_view channel) const override { return real_.rule_for(channel); }
  void append(const std::string& app, const std::string& channel, const config::HistoryRule& rule, const Build& build,
              const Publish& publish) override {
    real_.append(app, channel, rule, build, publish);
  }
  void since(const std::string& app, const std::string& channel, uint64_t since_offset, SinceDone done) override {
    answers.queue([=, this] { real_.since(app, channel, since_offset, done); });
  }
  size_t channel_count() const override { return real_.channel_count(); }

 private:
  channels::MemoryHistory real_;
};

// Delivers locally like the in-process broker until told to refuse (a broker whose server is gone).
class SwitchableBroker final : public channels::Broker {
 public:
  channels::PublishResult publish(channels::EnvelopePtr envelope) override {
    if (refuse != channels::PublishResult::kPublished) return refuse;
    if (sink_) sink_(envelope);
    return channels::PublishResult::kPublished;
  }
  void set_local_sink(Sink sink) override { sink_ = std::move(sink); }
  channels::PublishResult refuse = channels::PublishResult::kPublished;

 private:
  Sink sink_;
};

}  // namespace headroom::pusher::testing
