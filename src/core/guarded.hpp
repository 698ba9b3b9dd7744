#pragma once
// Data bundled with the lock that protects it: the only way to reach the value is through a
// locked view, so "forgot to lock" does not compile.
#include <mutex>
#include <shared_mutex>
#include <utility>

namespace headroom {

template <typename T, typename Mutex = std::mutex>
class Guarded {
 public:
  template <typename... Args>
  explicit Guarded(Args&&... args) : value_(std::forward<Args>(args)...) {}
  Guarded(const Guarded&) = delete;
  Guarded& operator=(const Guarded&) = delete;

  template <typename Fn>
  decltype(auto) with(Fn&& fn) {
    std::lock_guard lock(mu_);
    return std::forward<Fn>(fn)(value_);
  }
  template <typename Fn>
  decltype(auto) with(Fn&& fn) const {
    std::lock_guard lock(mu_);
    return std::forward<Fn>(fn)(value_);
  }

 private:
  mutable Mutex mu_;
  T value_;
};

}  // namespace headroom
