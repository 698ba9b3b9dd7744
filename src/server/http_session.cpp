// One HTTP/1.1 connection: read a request (with size limits and deadlines), route it, pass it
// through filters and admission, run its handler, write the response, repeat. Responses are
// written in request order: the next request is read only after the previous one is answered, so
// pipelined requests wait in the read buffer (bounded by the header limit) instead of piling up.
#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <unordered_set>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "server/event_loops.hpp"
#include "server/http_core.hpp"
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

http::Method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return http::Method::kGet;
    case bhttp::verb::head:
      return http::Method::kHead;
    case bhttp::verb::post:
      return http::Method::kPost;
    case bhttp::verb::put:
      return http::Method::kPut;
    case bhttp::verb::patch:
      return http::Method::kPatch;
    case bhttp::verb::delete_:
      return http::Method::kDelete;
    case bhttp::verb::options:
      return http::Method::kOptions;
    default:
      return http::Method::kOther;
  }
}

std::string next_request_id() {
  static const std::string prefix = crypto::random_hex(4);
  static std::atomic<uint64_t> counter{0};
  return fmt::format("{}-{:x}", prefix, counter.fetch_add(1) + 1);
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool iequals_token(std::string_view header, std::string_view token) {
  // True if the comma-separated header contains token (case-insensitive).
  size_t i = 0;
  while (i <= header.size()) {
    size_t end = header.find(',', i);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(i, end - i);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (part.size() == token.size() && std::equal(part.begin(), part.end(), token.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
    i = end + 1;
  }
  return false;
}

class HttpSession final : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, HttpCore& core) : stream_(std::move(socket)), core_(core) {
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ip_ = ep.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
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
    if (!idle_) return;
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

 private:
  // Step 1: wait (up to the idle timeout) for the first byte of the next request.
  void wait_for_request() {
    idle_ = true;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(core_.limits.max_header_bytes));
    parser_->body_limit(static_cast<uint64_t>(core_.limits.max_body_bytes));
    if (core_.draining.load()) return close_if_idle();
    if (buffer_.size() > 0) return read_header();
    stream_.expires_after(std::chrono::milliseconds(core_.limits.idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->buffer_.commit(n);
      if (ec) return self->close();
      self->read_header();
    });
  }

  // Step 2: the whole header block must arrive within header_timeout (slowloris protection).
  void read_header() {
    idle_ = false;
    stream_.expires_after(std::chrono::milliseconds(core_.limits.header_timeout_ms));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      core_.stats.header_timeouts.inc();
      return close();
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset) {
      return close();
    }
    if (ec == bhttp::error::header_limit) return refuse(431, "request headers are larger than the limit");
    if (ec == bhttp::error::body_limit) {
      return refuse(413, fmt::format("body is larger than the limit of {} bytes", core_.limits.max_body_bytes));
    }
    if (ec) return refuse(400, fmt::format("malformed request: {}", ec.message()));
    core_.active_requests.fetch_add(1);
    counted_active_ = true;
    started_ = Clock::now();
    build_request();
    if (parser_->get().target().size() > static_cast<size_t>(core_.limits.max_request_line_bytes)) {
      return refuse(414, "request target is longer than the limit");
    }
    if (try_websocket()) return;
    auto length = parser_->content_length();
    if (length && *length > static_cast<uint64_t>(core_.limits.max_body_bytes)) {
      return refuse(413, fmt::format("body of {} bytes is larger than the limit of {} bytes", *length,
                                     core_.limits.max_body_bytes));
    }
    if (parser_->is_done()) return on_body(ec);
    if (iequals_token(req_.header("expect"), "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue), [self = shared_from_this()](beast::error_code ec2, size_t) {
        if (ec2) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(std::chrono::milliseconds(std::max(core_.limits.header_timeout_ms, 30000)));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return refuse(413, "body is larger than the limit");
    if (ec == beast::error::timeout) return close();
    if (ec) return refuse(400, fmt::format("malformed request body: {}", ec.message()));
    stream_.expires_never();
    req_.body = std::move(parser_->get().body());
    dispatch();
  }

  void build_request() {
    const auto& msg = parser_->get();
    req_ = http::Request{};
    req_.method = to_method(msg.method());
    req_.target = std::string(msg.target());
    auto q = req_.target.find('?');
    req_.path = http::percent_decode(std::string_view(req_.target).substr(0, q));
    if (q != std::string::npos) req_.query = req_.target.substr(q + 1);
    req_.headers.reserve(16);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req_.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req_.remote_ip = remote_ip_;
    auto given = req_.header("x-request-id");
    req_.request_id = valid_request_id(given) ? std::string(given) : next_request_id();
    keep_alive_ = msg.keep_alive();
  }

  bool try_websocket() {
    if (req_.method != http::Method::kGet || !iequals_token(req_.header("upgrade"), "websocket")) return false;
    auto match = core_.ws_router.match(req_);
    if (!match.route) return false;
    for (auto& [label, acceptor] : core_.ws_acceptors) {
      if (label != match.route->options.label) continue;
      std::string leftover(static_cast<const char*>(buffer_.data().data()), buffer_.size());
      buffer_.consume(buffer_.size());
      stream_.expires_never();
      idle_ = false;
      t_sessions.erase(this);
      finish_active();
      core_.stats.record(label, 101, seconds_since_start());
      acceptor(stream_.release_socket(), std::move(req_), std::move(leftover));
      return true;
    }
    return false;
  }

  // Routing, filters and admission.
  void dispatch() {
    auto match = core_.router.match(req_);
    if (!match.route) {
      route_label_ = "unmatched";
      if (match.path_matched) {
        auto res = http::error_response(Code::kInvalidArgument,
                                        fmt::format("method {} is not allowed here", http::method_name(req_.method)));
        res.status = 405;
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
      asio::post(self->stream_.get_executor(), [self, gen, admitted] { self->on_admission(gen, admitted); });
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
    queue_timer_.emplace(stream_.get_executor());
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
        asio::post(self->stream_.get_executor(),
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
    route_label_ = "unmatched";
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
    for (auto& h : req_.response_headers) res.headers.push_back(std::move(h));
    bool keep = keep_alive_ && !res.close && !core_.draining.load();
    response_ = std::move(res);
    head_ = serialize_head(response_, req_.request_id, keep);
    std::array<asio::const_buffer, 2> bufs{asio::buffer(head_),
                                           asio::buffer(response_.body_view().data(), response_.body_view().size())};
    if (req_.method == http::Method::kHead || response_.status == 304 || response_.status == 204) {
      bufs[1] = asio::const_buffer();
    }
    stream_.expires_after(std::chrono::seconds(30));  // a client that stops reading is dropped
    asio::async_write(stream_.socket(), bufs, [self = shared_from_this(), keep](beast::error_code ec, size_t bytes) {
      self->on_written(ec, bytes, keep);
    });
  }

  void on_written(beast::error_code ec, size_t bytes, bool keep) {
    double secs = seconds_since_start();
    core_.stats.record(route_label_, response_.status, secs);
    access_log(bytes, secs);
    finish_active();
    ++generation_;
    responded_ = false;
    route_ = nullptr;
    if (ec || !keep) return close();
    wait_for_request();
  }

  void access_log(size_t bytes, double secs) {
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
    finish_active();
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  HttpCore& core_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<asio::steady_timer> queue_timer_;
  std::string remote_ip_;
  http::Request req_;
  http::Response response_;
  std::string head_;
  std::string route_label_;
  const http::Router::Route* route_ = nullptr;
  Clock::time_point started_;
  uint64_t generation_ = 0;
  uint64_t ticket_ = 0;
  int loop_index_ = -1;
  bool idle_ = true;
  bool keep_alive_ = true;
  bool holds_slot_ = false;
  bool responded_ = false;
  bool counted_active_ = false;
};

}  // namespace

void start_http_session(tcp::socket socket, HttpCore& core) {
  std::make_shared<HttpSession>(std::move(socket), core)->start();
}

void close_idle_http_sessions() {
  std::vector<HttpSession*> sessions(t_sessions.begin(), t_sessions.end());
  for (auto* s : sessions) s->close_if_idle();
}

}  // namespace headroom::server
