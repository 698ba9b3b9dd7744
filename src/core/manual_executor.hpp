#pragma once
// An Executor for tests: tasks run when the test says so, delays follow a FakeClock.
#include <map>
#include <mutex>
#include <vector>

#include "core/clock.hpp"
#include "core/executor.hpp"

namespace headroom {

class ManualExecutor final : public Executor {
 public:
  explicit ManualExecutor(FakeClock& clock) : clock_(clock) {}
  void post(Task task) override { post_after(std::chrono::milliseconds(0), std::move(task)); }
  void post_after(std::chrono::milliseconds delay, Task task) override {
    std::lock_guard lock(mu_);
    tasks_.emplace(std::make_pair(clock_.now() + delay, seq_++), std::move(task));
  }
  // Runs every task that is due now (including ones they post for now). Returns how many ran.
  int run_due() {
    int ran = 0;
    for (;;) {
      Task task;
      {
        std::lock_guard lock(mu_);
        if (tasks_.empty() || tasks_.begin()->first.first > clock_.now()) return ran;
        task = std::move(tasks_.begin()->second);
        tasks_.erase(tasks_.begin());
      }
      task();
      ++ran;
    }
  }
  // Advances the clock step by step, running what falls due.
  void advance(Clock::Duration d, Clock::Duration step = std::chrono::milliseconds(10)) {
    for (Clock::Duration done{0}; done < d; done += step) {
      clock_.advance(step);
      run_due();
    }
  }
  size_t pending() const {
    std::lock_guard lock(mu_);
    return tasks_.size();
  }

 private:
  FakeClock& clock_;
  mutable std::mutex mu_;
  uint64_t seq_ = 0;
  std::map<std::pair<Clock::TimePoint, uint64_t>, Task> tasks_;
};

}  // namespace headroom
