// One HTTP/1.1 connection: read a request (with size limits and deadlines), route it, pass it
// through filters and admission, run its handler, write the response, repeat. Responses are
// written in request order: the next request is read only after the previous one is answered, so
// pipelined requests wait in the read buffer (bounded by the header limit) instead of piling up.
#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <unordered_set>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "server/event_loops.hpp"
#include "server/http_core.hpp"
#include "server/request_parser.hpp"
#include "server/response_head.hpp"

namespace headroom::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

class HttpSession;
thread_local std::unordered_set<HttpSession*> t_sessions;

// "<8 hex digits of this process>-<counter in hex>", written into `out` (keeps its capacity).
void next_request_id(std::string& out) {
  static const std::string prefix = crypto::random_hex(4);
  static std::atomic<uint64_t> counter{0};
  uint64_t n = counter.fetch_add(1, std::memory_order_relaxed) + 1;
  char digits[16];
  auto end = std::to_chars(digits, digits + sizeof digits, n, 16).ptr;
  out.assign(prefix);
  out += '-';
  out.append(digits, end);
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

class HttpSession final : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(HttpSocket socket, HttpCore& core)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), core_(core) {
    boost::system::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ip_ = ep.address().to_string();
    socket_.set_option(tcp::no_delay(true), ec);
    // Responses are first written straight from the handler's stack; only a write that would
    // block goes through the reactor.
    socket_.non_blocking(true, ec);
  }
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  ~HttpSession() {
    t_sessions.erase(this);
    core_.connections.fetch_sub(1);
    core_.stats.connections.add(-1);
  }

  void start() {
    loop_index_ = EventLoops::current_index();
    t_sessions.insert(this);
    core_.stats.connections.add(1);
    wait_for_request();
  }

  void close_if_idle() {
    if (idle_) close();
  }

 private:
  enum class Phase { kIdle, kHeader, kBody, kHandler, kWrite };

  // Timeouts: one deadline per connection and one timer that is re-armed only when the deadline
  // moves earlier than the timer's expiry (or when it fires early), not once per read and write.
  // When a deadline passes the socket is closed, which ends the pending read or write.
  void set_deadline(std::chrono::milliseconds d) {
    deadline_ = Clock::now() + d;
    if (!timer_armed_ || deadline_ < timer_expiry_) arm_timer();
  }
  void clear_deadline() { deadline_ = Clock::time_point::max(); }

  void arm_timer() {
    timer_expiry_ = deadline_;
    timer_armed_ = true;
    timer_.expires_at(deadline_);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) { self->on_timer(ec); });
  }

  void on_timer(beast::error_code ec) {
    if (ec == asio::error::operation_aborted) return;  // re-armed or cancelled
    timer_armed_ = false;
    if (closed_ || deadline_ == Clock::time_point::max()) return;
    if (Clock::now() < deadline_) return arm_timer();
    if (phase_ == Phase::kHandler) return on_handler_timeout();
    timed_out_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  // Step 1: wait (up to the idle timeout) for the first byte of the next request.
  void wait_for_request() {
    idle_ = true;
    phase_ = Phase::kIdle;
    parser_.emplace(req_);
    parser_->header_limit(static_cast<uint32_t>(core_.limits.max_header_bytes));
    parser_->body_limit(static_cast<uint64_t>(core_.limits.max_body_bytes));
    if (core_.draining.load()) return close_if_idle();
    if (buffer_.size() > 0) return read_header();
    set_deadline(std::chrono::milliseconds(core_.limits.idle_timeout_ms));
    read_some();
  }

  // Step 2: the whole header block must arrive within header_timeout (slowloris protection).
  void read_header() {
    idle_ = false;
    phase_ = Phase::kHeader;
    set_deadline(std::chrono::milliseconds(core_.limits.header_timeout_ms));
    parse_buffered();
  }

  void read_some() {
    socket_.async_read_some(buffer_.prepare(kReadSize),
                            [self = shared_from_this()](beast::error_code ec, size_t n) { self->on_read(ec, n); });
  }

  void on_read(beast::error_code ec, size_t n) {
    buffer_.commit(n);
    if (timed_out_) {
      if (phase_ == Phase::kHeader) core_.stats.header_timeouts.inc();
      return close();
    }
    if (phase_ == Phase::kIdle) {
      if (ec) return close();
      return read_header();
    }
    if (ec == asio::error::eof) {
      // The peer closed mid-request: nothing read yet ends quietly, a partial message is malformed.
      if (!parser_->got_some()) return close();
      beast::error_code eof_ec;
      parser_->put_eof(eof_ec);
      if (!eof_ec && parser_->is_done()) return on_message_part();
      return on_parse_error(eof_ec ? eof_ec : beast::error_code(bhttp::error::partial_message));
    }
    if (ec) return close();
    parse_buffered();
  }

  // Feeds buffered bytes to the parser; reads more while the current part (header or body) is
  // incomplete.
  void parse_buffered() {
    while (buffer_.size() > 0) {
      beast::error_code ec;
      size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more) break;
      if (ec) return on_parse_error(ec);
      if (phase_ == Phase::kHeader ? parser_->is_header_done() : parser_->is_done()) return on_message_part();
      if (used == 0) break;
    }
    read_some();
  }

  void on_parse_error(beast::error_code ec) {
    auto [status, message] = refusal_for(ec, phase_ == Phase::kBody, core_.limits.max_body_bytes);
    refuse(status, std::move(message));
  }

  void on_message_part() {
    if (phase_ == Phase::kHeader) return on_header();
    on_body();
  }

  void on_header() {
    core_.active_requests.fetch_add(1);
    counted_active_ = true;
    started_ = Clock::now();
    build_request();
    if (auto refusal = refusal_for_header(req_, *parser_, core_.limits)) {
      return refuse(refusal->status, std::move(refusal->message));
    }
    if (try_websocket()) return;
    if (parser_->is_done()) return on_body();
    if (iequals_token(req_.header("expect"), "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      phase_ = Phase::kWrite;
      set_deadline(std::chrono::seconds(30));
      asio::async_write(socket_, asio::buffer(kContinue), [self = shared_from_this()](beast::error_code ec2, size_t) {
        if (ec2 || self->timed_out_) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    phase_ = Phase::kBody;
    set_deadline(std::chrono::milliseconds(std::max(core_.limits.header_timeout_ms, 30000)));
    parser_->eager(true);
    parse_buffered();
  }

  // From here the request has handler_timeout_ms to be answered (admission wait included).
  void on_body() {
    phase_ = Phase::kHandler;
    set_deadline(std::chrono::milliseconds(core_.limits.handler_timeout_ms));
    dispatch();
  }

  // The parser has filled method, target, headers (and fills the body); the rest is derived here.
  void build_request() {
    split_target(req_);
    req_.body.clear();
    req_.remote_ip = remote_ip_;
    req_.params.clear();
    req_.tier = http::Tier::kAnonymous;
    req_.subject.clear();
    req_.response_headers.clear();
    auto given = req_.header("x-request-id");
    if (valid_request_id(given)) {
      req_.request_id.assign(given);
    } else {
      next_request_id(req_.request_id);
    }
    keep_alive_ = parser_->keep_alive();
  }

  bool try_websocket() {
    if (req_.method != http::Method::kGet || !iequals_token(req_.header("upgrade"), "websocket")) return false;
    auto match = core_.ws_router.match(req_);
    if (!match.route) return false;
    for (auto& [label, acceptor] : core_.ws_acceptors) {
      if (label != match.route->options.label) continue;
      boost::system::error_code ec;
      std::string leftover(static_cast<const char*>(buffer_.data().data()), buffer_.size());
      buffer_.consume(buffer_.size());
      clear_deadline();
      closed_ = true;  // the socket is handed off; the timer must not touch it
      timer_.cancel();
      idle_ = false;
      t_sessions.erase(this);
      finish_active();
      core_.stats.record(label, 101, seconds_since_start());
      socket_.non_blocking(false, ec);
      acceptor(tcp::socket(std::move(socket_)), std::move(req_), std::move(leftover));
      return true;
    }
    return false;
  }

  // Routing, filters and admission.
  void dispatch() {
    auto match = core_.router.match(req_);
    if (!match.route) {
      route_label_ = kUnmatched;
      route_ = nullptr;
      if (match.path_matched) {
        auto res = http::error_response(Code::kInvalidArgument,
                                        fmt::format("method {} is not allowed here", http::method_name(req_.method)));
        res.status = 405;
        res.set_header("Allow", core_.router.allowed_methods(req_.target));  // RFC 9110 §15.5.6
        return respond(std::move(res));
      }
      return respond(http::error_response(Code::kNotFound, fmt::format("no route for {}", req_.path)));
    }
    route_ = match.route;
    route_label_ = route_->options.label;
    if (!route_->options.admitted) return run_handler();
    for (auto& filter : core_.filters) {
      if (auto early = filter(req_)) return respond(std::move(*early));
    }
    auto self = shared_from_this();
    uint64_t gen = generation_;
    auto outcome = core_.admission.enter(static_cast<int>(req_.tier), &ticket_, [self, gen](bool admitted) {
      asio::post(self->socket_.get_executor(), [self, gen, admitted] { self->on_admission(gen, admitted); });
    });
    switch (outcome) {
      case Admission::Outcome::kAdmitted:
        holds_slot_ = true;
        return run_handler();
      case Admission::Outcome::kQueued:
        core_.stats.admission_queued();
        return start_queue_timer();
      case Admission::Outcome::kRejected:
        return reject_overloaded();
    }
  }

  void start_queue_timer() {
    queue_timer_.emplace(socket_.get_executor());
    queue_timer_->expires_after(std::chrono::milliseconds(core_.limits.admission_queue_timeout_ms));
    uint64_t gen = generation_;
    queue_timer_->async_wait([self = shared_from_this(), gen](beast::error_code ec) {
      if (ec || gen != self->generation_) return;
      if (self->core_.admission.cancel(self->ticket_)) self->reject_overloaded();
    });
  }

  void on_admission(uint64_t gen, bool admitted) {
    if (gen != generation_) {
      if (admitted) core_.admission.leave();  // the request is gone; pass the slot on
      return;
    }
    if (queue_timer_) queue_timer_->cancel();
    if (!admitted) return reject_overloaded();
    holds_slot_ = true;
    run_handler();
  }

  void reject_overloaded() {
    core_.stats.admission_rejected(req_.tier);
    auto res = http::error_response(Code::kUnavailable, "the server is at capacity; retry shortly");
    res.set_header("Retry-After", "1");
    respond(std::move(res));
  }

  void run_handler() {
    if (holds_slot_) core_.stats.in_flight.add(1);
    auto self = shared_from_this();
    uint64_t gen = generation_;
    http::Responder responder = [self, gen](http::Response res) {
      if (EventLoops::current_index() == self->loop_index_) {
        self->on_response(gen, std::move(res));
      } else {
        asio::post(self->socket_.get_executor(),
                   [self, gen, res = std::move(res)]() mutable { self->on_response(gen, std::move(res)); });
      }
    };
    try {
      route_->handler(req_, std::move(responder));
    } catch (const std::exception& e) {
      if (log::error_budget_allows()) spdlog::error("handler {} threw: {}", route_label_, e.what());
      on_response(gen, http::error_response(Code::kInternal, "internal error"));
    }
  }

  // The handler has not answered in time: the client gets a 504 and the admission slot is passed
  // on. The handler may still answer later; generation_ makes that answer a no-op. The connection
  // closes after the 504, so the Request the handler may still be reading is never refilled.
  void on_handler_timeout() {
    clear_deadline();
    core_.stats.handler_timeouts.inc();
    if (log::error_budget_allows()) {
      spdlog::warn("handler {} did not answer within {} ms (request {})", route_label_, core_.limits.handler_timeout_ms,
                   req_.request_id);
    }
    auto res = http::error_response(Code::kDeadlineExceeded, fmt::format("the request was not answered within {} ms",
                                                                         core_.limits.handler_timeout_ms));
    res.close = true;
    keep_alive_ = false;
    respond(std::move(res));
  }

  void on_response(uint64_t gen, http::Response res) {
    if (gen != generation_ || responded_) return;
    respond(std::move(res));
  }

  // Refuses a request that could not be read properly; the connection closes after the answer.
  void refuse(int status, std::string message) {
    core_.stats.bad_requests.inc();
    if (!counted_active_) {
      core_.active_requests.fetch_add(1);
      counted_active_ = true;
      started_ = Clock::now();
    }
    route_label_ = kUnmatched;
    route_ = nullptr;
    Code code = status == 413 ? Code::kPayloadTooLarge : Code::kInvalidArgument;
    auto res = http::error_response(code, message);
    res.status = status;
    res.close = true;
    keep_alive_ = false;
    respond(std::move(res));
  }

  void respond(http::Response res) {
    responded_ = true;
    idle_ = false;
    if (holds_slot_) {
      holds_slot_ = false;
      core_.stats.in_flight.add(-1);
      core_.admission.leave();
    }
    if (!req_.response_headers.empty()) {
      res.headers.reserve(res.headers.size() + req_.response_headers.size());
      for (auto& h : req_.response_headers) res.headers.push_back(std::move(h));
    }
    bool keep = keep_alive_ && !res.close && !core_.draining.load();
    response_ = std::move(res);
    serialize_head(head_, response_, req_.request_id, keep);
    std::array<asio::const_buffer, 2> bufs{asio::buffer(head_),
                                           asio::buffer(response_.body_view().data(), response_.body_view().size())};
    if (req_.method == http::Method::kHead || response_.status == 304 || response_.status == 204) {
      bufs[1] = asio::const_buffer();
    }
    phase_ = Phase::kWrite;
    size_t total = bufs[0].size() + bufs[1].size();
    // Most responses fit in the socket's send buffer: write them now, without a trip through the
    // reactor. A partial write finishes asynchronously.
    beast::error_code ec;
    size_t sent = socket_.is_open() ? socket_.write_some(bufs, ec) : 0;
    if (ec == asio::error::would_block || ec == asio::error::try_again) ec = {};
    if (ec || sent == total) {
      in_sync_write_ = true;
      on_written(ec, sent, keep);
      in_sync_write_ = false;
      return;
    }
    set_deadline(std::chrono::seconds(30));  // a client that stops reading is dropped
    auto rest = beast::buffers_suffix<std::array<asio::const_buffer, 2>>(bufs);
    rest.consume(sent);
    asio::async_write(socket_, rest, [self = shared_from_this(), keep, sent](beast::error_code ec2, size_t bytes) {
      if (self->timed_out_ && !ec2) ec2 = beast::error::timeout;
      self->on_written(ec2, sent + bytes, keep);
    });
  }

  void on_written(beast::error_code ec, size_t bytes, bool keep) {
    double secs = seconds_since_start();
    record_stats(secs);
    access_log(bytes, secs);
    finish_active();
    ++generation_;
    responded_ = false;
    route_ = nullptr;
    response_.shared_body.reset();
    if (ec || !keep) return close();
    if (in_sync_write_ && buffer_.size() > 0) {
      // A pipelined request waits until the handler that answered synchronously has returned:
      // it may still hold the Request this session is about to refill.
      asio::post(socket_.get_executor(), [self = shared_from_this()] { self->wait_for_request(); });
      return;
    }
    wait_for_request();
  }

  void record_stats(double secs) {
    // The (route, status) series of the previous request on this connection is usually the same.
    if (!series_.counter || series_route_ != route_label_.data() || series_status_ != response_.status) {
      series_ = core_.stats.series(route_label_, response_.status);
      series_route_ = route_label_.data();
      series_status_ = response_.status;
    }
    HttpStats::record(series_, secs);
  }

  void access_log(size_t bytes, double secs) {
    if (!log::access_enabled()) return;
    log::access(fmt::format(
        R"("msg":"access","request_id":"{}","method":"{}","path":"{}","route":"{}","status":{},"duration_ms":{:.3f},"bytes":{},"remote":"{}","tier":"{}")",
        req_.request_id, http::method_name(req_.method), log::json_escape(req_.path), log::json_escape(route_label_),
        response_.status, secs * 1000, bytes, remote_ip_, http::tier_name(req_.tier)));
  }

  double seconds_since_start() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }

  void finish_active() {
    if (counted_active_) {
      counted_active_ = false;
      core_.active_requests.fetch_sub(1);
    }
  }

  void close() {
    idle_ = false;
    closed_ = true;
    finish_active();
    clear_deadline();
    if (timer_armed_) {
      timer_armed_ = false;
      timer_.cancel();
    }
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  static constexpr size_t kReadSize = 4096;
  static constexpr std::string_view kUnmatched = "unmatched";

  HttpSocket socket_;
  asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, asio::io_context::executor_type> timer_;
  HttpCore& core_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::optional<asio::steady_timer> queue_timer_;
  std::string remote_ip_;
  http::Request req_;
  http::Response response_;
  std::string head_;
  // A route's label (stable for the server's life) or kUnmatched.
  std::string_view route_label_ = kUnmatched;
  const http::Router::Route* route_ = nullptr;
  HttpStats::Series series_;
  const char* series_route_ = nullptr;
  int series_status_ = 0;
  Clock::time_point started_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point timer_expiry_;
  uint64_t generation_ = 0;
  uint64_t ticket_ = 0;
  int loop_index_ = -1;
  Phase phase_ = Phase::kIdle;
  bool timer_armed_ = false;
  bool in_sync_write_ = false;
  bool timed_out_ = false;
  bool closed_ = false;
  bool idle_ = true;
  bool keep_alive_ = true;
  bool holds_slot_ = false;
  bool responded_ = false;
  bool counted_active_ = false;
};

}  // namespace

void start_http_session(HttpSocket socket, HttpCore& core) {
  std::make_shared<HttpSession>(std::move(socket), core)->start();
}

void close_idle_http_sessions() {
  std::vector<HttpSession*> sessions(t_sessions.begin(), t_sessions.end());
  for (auto* s : sessions) s->close_if_idle();
}

}  // namespace headroom::server
