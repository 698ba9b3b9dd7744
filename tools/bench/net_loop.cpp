#include <sys/resource.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <latch>
#include <thread>
#include <vector>

#include "net_asio.hpp"

namespace headroom::bench {

namespace asio = boost::asio;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

class AsioLoop final : public Loop {
 public:
  explicit AsioLoop(int index) : index_(index), guard_(asio::make_work_guard(io_)) {}
  int index() const override { return index_; }
  void post(std::function<void()> fn) override { asio::post(io_, std::move(fn)); }
  void at(int64_t when_ns, std::function<void()> fn) override {
    int64_t delay = when_ns - now_ns();
    if (delay <= 0) {
      asio::post(io_, std::move(fn));
      return;
    }
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::nanoseconds(delay));
    timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
      if (!ec) fn();
    });
  }
  asio::io_context& io() { return io_; }
  void release() { guard_.reset(); }

 private:
  int index_;
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
};

}  // namespace

asio::io_context& io_of(Loop& loop) { return static_cast<AsioLoop&>(loop).io(); }

struct Runtime::Impl {
  std::vector<std::unique_ptr<AsioLoop>> loops;
  std::vector<std::thread> threads;
};

Runtime::Runtime(int threads) : impl_(std::make_unique<Impl>()) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) impl_->loops.push_back(std::make_unique<AsioLoop>(i));
  for (auto& loop : impl_->loops) {
    impl_->threads.emplace_back([l = loop.get()] { l->io().run(); });
  }
}

Runtime::~Runtime() { stop(); }

int Runtime::size() const { return static_cast<int>(impl_->loops.size()); }

Loop& Runtime::loop(int i) { return *impl_->loops[static_cast<size_t>(i) % impl_->loops.size()]; }

void Runtime::on_all(const std::function<void(Loop&)>& fn) {
  std::latch done(static_cast<std::ptrdiff_t>(impl_->loops.size()));
  for (auto& loop : impl_->loops) {
    loop->post([&fn, &done, l = loop.get()] {
      fn(*l);
      done.count_down();
    });
  }
  done.wait();
}

void Runtime::stop() {
  for (auto& loop : impl_->loops) {
    loop->release();
    loop->io().stop();
  }
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
}

std::string source_address(size_t connection_index, int count) {
  if (count <= 1) return "127.0.0.1";
  return "127.0.0." + std::to_string(1 + connection_index % static_cast<size_t>(std::min(count, 254)));
}

uint64_t raise_file_limit(uint64_t want) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  rlimit next = rl;
  if (want > rl.rlim_max) {
    next.rlim_max = want;  // root may raise the hard limit
    next.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &next) == 0) return want;
    next = rl;
  }
  next.rlim_cur = std::max<rlim_t>(rl.rlim_cur, std::min<rlim_t>(rl.rlim_max, want));
  setrlimit(RLIMIT_NOFILE, &next);
  getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur;
}

}  // namespace headroom::bench
