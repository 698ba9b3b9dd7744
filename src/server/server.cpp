#include "server/server.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "core/log.hpp"
#include "metrics/process_stats.hpp"
#include "server/admission.hpp"
#include "server/beast_http_client.hpp"
#include "server/event_loops.hpp"
#include "server/http_core.hpp"
#include "server/http_stats.hpp"

namespace headroom::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class Server::Listener {
 public:
  Listener(Server& s, const std::string& host, int port) : server_(s), acceptor_(s.loops_->loop(0)) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error(fmt::format("server.host = \"{}\": not an IP address", host));
    tcp::endpoint ep(address, static_cast<unsigned short>(port));
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
  }
  int port() const { return port_; }
  void start() { accept(); }
  void stop() {
    boost::system::error_code ec;
    acceptor_.close(ec);
  }

 private:
  void accept() {
    // Each connection is accepted straight onto the next loop (round-robin) and lives there.
    acceptor_.async_accept(server_.loops_->next(), [this](boost::system::error_code ec, HttpSocket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) hand_off(std::move(socket));
      accept();
    });
  }
  void hand_off(HttpSocket socket) {
    if (server_.connections_.load() >= server_.config_.server.max_connections) {
      server_.stats_->connections_rejected.inc();
      boost::system::error_code ignored;
      socket.close(ignored);
      return;
    }
    server_.connections_.fetch_add(1);
    auto ex = socket.get_executor();
    asio::post(
        ex, [s = std::move(socket), core = server_.core_.get()]() mutable { start_http_session(std::move(s), *core); });
  }

  Server& server_;
  tcp::acceptor acceptor_;
  int port_ = 0;
};

Server::Server(const config::Config& config, metrics::Registry& metrics)
    : config_(config),
      metrics_(metrics),
      loops_(std::make_unique<EventLoops>(config.server.threads)),
      admission_(std::make_unique<Admission>(config.server.max_concurrent_requests, config.server.admission_queue)),
      stats_(std::make_unique<HttpStats>(metrics)),
      http_client_(make_http_client(loops_->loop(0), HttpClientOptions{.ca_file = config.server.outbound_ca_file})) {
  core_ = std::make_unique<HttpCore>(HttpCore{config.server, router_, filters_, *admission_, *stats_, ws_router_,
                                              ws_acceptors_, draining_, connections_, active_requests_});
  context_ = std::make_unique<ModuleContext>(ModuleContext{config, router_, metrics, SystemClock::instance(),
                                                           loops_->executor(0), *http_client_, *this, *this,
                                                           loops_->executors()});
  add_builtin_routes();
  if (config.server.test_routes) add_test_routes();
}

Server::~Server() {
  if (listener_) listener_->stop();
  loops_->stop();
}

void Server::add_request_filter(RequestFilter filter) { filters_.push_back(std::move(filter)); }

void Server::add_readiness_check(std::string name, std::function<std::string()> check) {
  std::lock_guard lock(hooks_mu_);
  readiness_.emplace_back(std::move(name), std::move(check));
}

void Server::on_drain(std::function<void()> fn) {
  std::lock_guard lock(hooks_mu_);
  drain_hooks_.push_back(std::move(fn));
}

void Server::on_stop(std::function<void()> fn) {
  std::lock_guard lock(hooks_mu_);
  stop_hooks_.push_back(std::move(fn));
}

void Server::add(std::string pattern, WebSocketAcceptor acceptor) {
  http::RouteOptions options;
  options.label = pattern;
  ws_router_.add(http::Method::kGet, pattern, nullptr, options);
  ws_acceptors_.emplace_back(std::move(pattern), std::move(acceptor));
}

std::string Server::readiness_failure() const {
  if (draining_.load()) return "draining";
  std::lock_guard lock(hooks_mu_);
  for (const auto& [name, check] : readiness_) {
    if (auto reason = check(); !reason.empty()) return name + ": " + reason;
  }
  return {};
}

void Server::add_builtin_routes() {
  http::RouteOptions open;
  open.admitted = false;
  router_.add(
      http::Method::kGet, "/healthz",
      [](http::Request&, http::Responder respond) { respond(http::json_response(200, R"({"status":"ok"})")); }, open);
  router_.add(
      http::Method::kGet, "/readyz",
      [this](http::Request&, http::Responder respond) {
        std::string failure = readiness_failure();
        if (failure.empty()) return respond(http::json_response(200, R"({"status":"ready"})"));
        respond(http::json_response(
            503, fmt::format(R"({{"status":"not ready","reason":"{}"}})", log::json_escape(failure))));
      },
      open);
  router_.add(
      http::Method::kGet, "/metrics",
      [this](http::Request&, http::Responder respond) {
        http::Response res;
        res.content_type = "text/plain; version=0.0.4; charset=utf-8";
        res.body = metrics_.render();
        respond(std::move(res));
      },
      open);
  metrics_.add_collector([this](metrics::Writer& w) {
    auto p = metrics::read_process_stats();
    w.family("process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.");
    w.sample("process_cpu_seconds_total", {}, p.cpu_seconds);
    w.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    w.sample("process_resident_memory_bytes", {}, static_cast<double>(p.resident_bytes));
    w.family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
    w.sample("process_virtual_memory_bytes", {}, static_cast<double>(p.virtual_bytes));
    w.family("process_open_fds", "gauge", "Open file descriptors.");
    w.sample("process_open_fds", {}, p.open_fds);
    w.family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.");
    w.sample("process_start_time_seconds", {}, p.start_time_seconds);
    w.family("headroom_admission_queue_length", "gauge", "Requests waiting for an admission slot.");
    w.sample("headroom_admission_queue_length", {}, admission_->queued());
    w.family("headroom_admission_limit", "gauge", "server.max_concurrent_requests.");
    w.sample("headroom_admission_limit", {}, config_.server.max_concurrent_requests);
    w.family("headroom_ready", "gauge", "1 when /readyz answers 200.");
    w.sample("headroom_ready", {}, readiness_failure().empty() ? 1 : 0);
    w.family("headroom_log_dropped_lines_total", "counter", "Error log lines dropped by the flood limit.");
    w.sample("headroom_log_dropped_lines_total", {}, static_cast<double>(log::dropped_lines()));
  });
}

void Server::add_test_routes() {
  // Only with server.test_routes = true: lets end-to-end tests hold a request in flight or force
  // a 5xx. Never enabled by default.
  router_.add(http::Method::kGet, "/v1/test/slow", [this](http::Request& req, http::Responder respond) {
    int ms = std::clamp(std::atoi(req.query_param("ms").c_str()), 0, 60000);
    context_->executor.post_after(std::chrono::milliseconds(ms), [respond = std::move(respond), ms] {
      respond(http::json_response(200, fmt::format(R"({{"slept_ms":{}}})", ms)));
    });
  });
  router_.add(http::Method::kGet, "/v1/test/fail", [](http::Request&, http::Responder respond) {
    respond(http::error_response(Code::kInternal, "forced failure (test route)"));
  });
  router_.add(http::Method::kPost, "/v1/test/echo", [](http::Request& req, http::Responder respond) {
    respond(http::json_response(200, fmt::format(R"({{"bytes":{}}})", req.body.size())));
  });
}

int Server::start() {
  // Signals are taken by run_until_signalled() with sigwait; block them before any thread starts
  // so that every loop thread inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  listener_ = std::make_unique<Listener>(*this, config_.server.host, config_.server.port);
  loops_->start();
  asio::post(loops_->loop(0), [this] { listener_->start(); });
  return listener_->port();
}

void Server::request_shutdown() {
  shutdown_requested_ = true;
  kill(getpid(), SIGTERM);
}

void Server::on_reload(std::function<void(const config::Config&)> fn) {
  std::lock_guard lock(hooks_mu_);
  reload_hooks_.push_back(std::move(fn));
}

void Server::set_reloader(Reloader reloader) { reloader_ = std::move(reloader); }

void Server::reload() {
  if (!reloader_) {
    spdlog::info("SIGHUP received; no config reloader set, keeping the current config");
    return;
  }
  auto next = reloader_();
  if (!next) return;
  reloaded_.push_back(next);
  std::vector<std::function<void(const config::Config&)>> hooks;
  {
    std::lock_guard lock(hooks_mu_);
    hooks = reload_hooks_;
  }
  for (auto& fn : hooks) fn(*next);
}

int Server::run_until_signalled() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      reload();
      continue;
    }
    spdlog::info("{} received: draining (grace {} ms); a second signal exits at once",
                 sig == SIGTERM ? "SIGTERM" : "SIGINT", config_.server.shutdown_grace_ms);
    break;
  }
  // A second SIGTERM/SIGINT while draining ends the process immediately.
  std::thread([set]() {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) == 0 && sig != SIGHUP) {
        spdlog::warn("second signal: exiting without finishing the drain");
        spdlog::default_logger()->flush();
        std::_Exit(130);
      }
    }
  }).detach();
  drain_and_stop();
  return 0;
}

void Server::drain_and_stop() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.server.shutdown_grace_ms);
  draining_ = true;
  {
    std::promise<void> stopped;
    asio::post(loops_->loop(0), [&] {
      listener_->stop();
      stopped.set_value();
    });
    stopped.get_future().wait();
  }
  std::vector<std::function<void()>> drain_hooks, stop_hooks;
  {
    std::lock_guard lock(hooks_mu_);
    drain_hooks = drain_hooks_;
    stop_hooks = stop_hooks_;
  }
  for (auto& fn : drain_hooks) fn();
  while (std::chrono::steady_clock::now() < deadline) {
    for (size_t i = 0; i < loops_->size(); ++i) asio::post(loops_->loop(i), [] { close_idle_http_sessions(); });
    if (active_requests_.load() == 0 && admission_->in_flight() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (active_requests_.load() > 0) {
    spdlog::warn("grace period over with {} requests unfinished", active_requests_.load());
  }
  for (auto& fn : stop_hooks) fn();
  loops_->stop();
  // Connections still referenced by queued handlers (timers, reads) are released now, while the
  // modules they belong to are alive; the modules are destroyed after this returns.
  loops_->destroy_pending_handlers();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
}

}  // namespace headroom::server
