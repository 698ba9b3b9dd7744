#pragma once
// Where work runs. Modules that need "later" or "on another thread" take an Executor& instead of
// an io_context, so they compile without Asio and tests can run tasks by hand (ManualExecutor).
#include <chrono>
#include <functional>
#include <memory>

namespace headroom {

class Executor {
 public:
  using Task = std::function<void()>;
  virtual ~Executor() = default;
  virtual void post(Task task) = 0;
  virtual void post_after(std::chrono::milliseconds delay, Task task) = 0;
};

// A repeating task that stops when its handle is destroyed (RAII, move-only).
class [[nodiscard]] PeriodicTask {
 public:
  PeriodicTask() = default;
  PeriodicTask(Executor& ex, std::chrono::milliseconds every, std::function<void()> fn);
  PeriodicTask(PeriodicTask&&) noexcept = default;
  PeriodicTask& operator=(PeriodicTask&&) noexcept = default;
  ~PeriodicTask();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace headroom
