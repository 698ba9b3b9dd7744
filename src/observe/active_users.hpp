#pragma once
// Distinct users seen in the last few minutes, in bounded memory: one HyperLogLog per minute,
// merged on read. Keys are opaque ("sub:<app>/<sub>", "ip:<addr>"); thread-safe.
#include <array>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "core/clock.hpp"
#include "observe/hyperloglog.hpp"

namespace headroom::observe {

class ActiveUsers {
 public:
  static constexpr int kMinutes = 5;

  explicit ActiveUsers(const Clock& clock) : clock_(clock) {}
  void record(std::string_view key);
  // Estimated distinct keys over the current minute and the kMinutes - 1 before it.
  double estimate() const;

 private:
  struct Bucket {
    int64_t minute = -1;
    HyperLogLog hll;
  };
  int64_t minute_now() const;

  const Clock& clock_;
  mutable std::mutex mu_;
  std::array<Bucket, kMinutes> buckets_;
};

}  // namespace headroom::observe
