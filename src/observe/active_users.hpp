#pragma once
// Distinct users seen in the last few minutes, in bounded memory: one HyperLogLog per minute,
// merged on read. Lock-free on the request path (atomic registers; a bucket is reset by the first
// caller of a new minute, so a handful of adds racing that reset may be lost — fine for an
// estimate). Keys are opaque; record(kind, id) keeps kinds apart without building strings.
#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "core/clock.hpp"
#include "observe/hyperloglog.hpp"

namespace headroom::observe {

class ActiveUsers {
 public:
  static constexpr int kMinutes = 5;
  enum class Kind : uint64_t { kSubject = 0, kAddress = 0x9e3779b97f4a7c15ULL, kUser = 0xc2b2ae3d27d4eb4fULL };

  explicit ActiveUsers(const Clock& clock) : clock_(clock) {}
  ActiveUsers(const ActiveUsers&) = delete;
  ActiveUsers& operator=(const ActiveUsers&) = delete;

  void record(Kind kind, std::string_view id) { record_hash(HyperLogLog::hash(id) ^ static_cast<uint64_t>(kind)); }
  void record(std::string_view key) { record(Kind::kSubject, key); }
  void record_hash(uint64_t h);
  // Estimated distinct keys over the current minute and the kMinutes - 1 before it.
  double estimate() const;

 private:
  struct Bucket {
    std::atomic<int64_t> minute{-1};
    std::array<std::atomic<uint8_t>, HyperLogLog::kRegisters> registers{};
  };
  int64_t minute_now() const;

  const Clock& clock_;
  std::array<Bucket, kMinutes> buckets_;
};

}  // namespace headroom::observe
