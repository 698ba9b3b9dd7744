#pragma once
// The threading model (docs/architecture.md): one io_context per thread, one thread per core.
// A connection lives its whole life on one loop, so its state needs no locks; cross-loop work is
// posted. Loop 0 also runs module timers (webhooks, alerts, backups) through its Executor.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "core/executor.hpp"

namespace headroom::server {

class AsioExecutor final : public Executor {
 public:
  explicit AsioExecutor(boost::asio::io_context& ctx) : ctx_(ctx) {}
  void post(Task task) override;
  void post_after(std::chrono::milliseconds delay, Task task) override;
  boost::asio::io_context& context() { return ctx_; }

 private:
  boost::asio::io_context& ctx_;
};

class EventLoops {
 public:
  explicit EventLoops(int threads);  // 0: one per core
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;
  ~EventLoops();

  size_t size() const { return loops_.size(); }
  boost::asio::io_context& loop(size_t i) { return loops_[i]->ctx; }
  AsioExecutor& executor(size_t i) { return loops_[i]->executor; }
  boost::asio::io_context& next();  // round-robin, for spreading new connections
  // Every loop's executor, by loop index (what ModuleContext::loops hands the modules).
  std::span<Executor* const> executors() const { return executors_; }

  void start();  // runs every loop on its own thread
  void stop();   // stops the loops and joins their threads
  // After stop(): destroys every handler still queued (timers, pending I/O) on every loop. Call
  // before tearing down what those handlers reference (the feature modules).
  void destroy_pending_handlers();
  // Index of the loop the calling thread runs, or -1 off-loop.
  static int current_index();

 private:
  // An io_context whose pending handlers can be destroyed before the context itself, so that
  // handlers holding connections are released while the modules they refer to still exist.
  struct Context : boost::asio::io_context {
    using boost::asio::execution_context::shutdown;
    using boost::asio::io_context::io_context;
  };
  struct Loop {
    Context ctx{1};
    AsioExecutor executor{ctx};
    std::thread thread;
  };
  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<Executor*> executors_;  // &loops_[i]->executor
  size_t next_ = 0;
  bool started_ = false;
};

}  // namespace headroom::server
