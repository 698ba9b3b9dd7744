#include "core/executor.hpp"

#include <atomic>

namespace headroom {

struct PeriodicTask::State {
  Executor* ex;
  std::chrono::milliseconds every;
  std::function<void()> fn;
  std::atomic<bool> stopped{false};
};

namespace {
void schedule(const std::shared_ptr<PeriodicTask::State>& s);
}

PeriodicTask::PeriodicTask(Executor& ex, std::chrono::milliseconds every, std::function<void()> fn)
    : state_(std::make_shared<State>()) {
  state_->ex = &ex;
  state_->every = every;
  state_->fn = std::move(fn);
  schedule(state_);
}

PeriodicTask::~PeriodicTask() {
  if (state_) state_->stopped = true;
}

namespace {
void schedule(const std::shared_ptr<PeriodicTask::State>& s) {
  std::weak_ptr<PeriodicTask::State> weak = s;
  s->ex->post_after(s->every, [weak] {
    auto state = weak.lock();
    if (!state || state->stopped) return;
    state->fn();
    if (!state->stopped) schedule(state);
  });
}
}  // namespace

}  // namespace headroom
