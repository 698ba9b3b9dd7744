#include "channels/history.hpp"

#include <gtest/gtest.h>

namespace headroom::channels {
namespace {

std::vector<uint64_t> offsets(const std::vector<StoredEvent>& events) {
  std::vector<uint64_t> out;
  for (const auto& e : events) out.push_back(e.offset);
  return out;
}

void append_n(MemoryHistory& h, const config::HistoryRule& rule, int n, std::vector<uint64_t>* published = nullptr) {
  for (int i = 0; i < n; ++i) {
    h.append(
        "app", "chat-1", rule, [](uint64_t o) { return "m" + std::to_string(o); },
        [&](uint64_t o, const std::string& m) {
          EXPECT_EQ(m, "m" + std::to_string(o));
          if (published) published->push_back(o);
        });
  }
}

}  // namespace

TEST(History, MatchesLongestPrefix) {
  FakeClock clock;
  MemoryHistory h({{"chat-", 10, 60}, {"chat-vip-", 5, 60}}, clock);
  EXPECT_EQ(h.rule_for("chat-vip-1")->size, 5);
  EXPECT_EQ(h.rule_for("chat-1")->size, 10);
  EXPECT_EQ(h.rule_for("news"), nullptr);
}

TEST(History, OffsetsIncreaseAndReplayReturnsWhatWasMissed) {
  FakeClock clock;
  config::HistoryRule rule{"chat-", 10, 60};
  MemoryHistory h({rule}, clock);
  std::vector<uint64_t> published;
  append_n(h, rule, 5, &published);
  EXPECT_EQ(published, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  auto missed = h.since("app", "chat-1", 3);
  ASSERT_TRUE(missed);
  EXPECT_EQ(offsets(*missed), (std::vector<uint64_t>{4, 5}));
  EXPECT_TRUE(h.since("app", "chat-1", 5)->empty());
  EXPECT_FALSE(h.since("app", "chat-1", 6));  // unknown future offset
  EXPECT_TRUE(h.since("app", "chat-2", 0)->empty());
}

TEST(History, FailsWhenEventsWereDroppedBySizeOrTtl) {
  FakeClock clock;
  config::HistoryRule rule{"chat-", 3, 60};
  MemoryHistory h({rule}, clock);
  append_n(h, rule, 5);
  EXPECT_FALSE(h.since("app", "chat-1", 1));  // 2 is gone
  EXPECT_EQ(offsets(*h.since("app", "chat-1", 2)), (std::vector<uint64_t>{3, 4, 5}));
  clock.advance(std::chrono::seconds(61));
  EXPECT_FALSE(h.since("app", "chat-1", 2));
  EXPECT_TRUE(h.since("app", "chat-1", 5)->empty());
}

}  // namespace headroom::channels
