#include "server/event_loops.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace headroom::server {

namespace {
thread_local int t_loop_index = -1;
}

void AsioExecutor::post(Task task) { boost::asio::post(ctx_, std::move(task)); }

void AsioExecutor::post_after(std::chrono::milliseconds delay, Task task) {
  auto timer = std::make_shared<boost::asio::steady_timer>(ctx_, delay);
  timer->async_wait([timer, task = std::move(task)](const boost::system::error_code& ec) {
    if (!ec) task();
  });
}

EventLoops::EventLoops(int threads) {
  int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < n; ++i) {
    loops_.push_back(std::make_unique<Loop>());
    executors_.push_back(&loops_.back()->executor);
  }
}

EventLoops::~EventLoops() { stop(); }

boost::asio::io_context& EventLoops::next() {
  auto& ctx = loops_[next_ % loops_.size()]->ctx;
  ++next_;
  return ctx;
}

void EventLoops::start() {
  started_ = true;
  for (size_t i = 0; i < loops_.size(); ++i) {
    Loop* loop = loops_[i].get();
    loop->thread = std::thread([loop, i] {
      t_loop_index = static_cast<int>(i);
      auto guard = boost::asio::make_work_guard(loop->ctx);
      loop->ctx.run();
    });
  }
}

void EventLoops::stop() {
  if (!started_) return;
  started_ = false;
  for (auto& l : loops_) l->ctx.stop();
  for (auto& l : loops_) {
    if (l->thread.joinable() && l->thread.get_id() != std::this_thread::get_id()) l->thread.join();
  }
}

void EventLoops::destroy_pending_handlers() {
  stop();
  for (auto& l : loops_) l->ctx.shutdown();
}

int EventLoops::current_index() { return t_loop_index; }

}  // namespace headroom::server
