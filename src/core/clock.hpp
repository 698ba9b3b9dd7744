#pragma once
// Time as a dependency. Rate limits, cache TTLs, alerts and webhook backoff take a Clock& so that
// tests drive time with FakeClock and never sleep.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace headroom {

class Clock {
 public:
  using Duration = std::chrono::nanoseconds;
  using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;
  virtual ~Clock() = default;
  // Monotonic time, for intervals and deadlines.
  virtual TimePoint now() const = 0;
  // Wall-clock time in Unix milliseconds, for timestamps users see (document _created, quotas' UTC day).
  virtual int64_t unix_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now()); }
  int64_t unix_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static SystemClock& instance() {
    static SystemClock clock;
    return clock;
  }
};

// Starts at an arbitrary fixed point; only advance() moves it. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_unix_ms = 1'800'000'000'000) : unix_ms_(start_unix_ms) {}
  TimePoint now() const override { return TimePoint(Duration(ns_.load())); }
  int64_t unix_ms() const override { return unix_ms_.load(); }
  void advance(Duration d) {
    ns_ += d.count();
    unix_ms_ += std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  }

 private:
  std::atomic<int64_t> ns_{1'000'000'000};
  std::atomic<int64_t> unix_ms_;
};

}  // namespace headroom
