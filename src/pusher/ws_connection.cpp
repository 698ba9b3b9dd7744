#include "pusher/ws_connection.hpp"

#include <array>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/steady_timer.hpp>
#include <vector>

#include "core/log.hpp"
#include "pusher/hub.hpp"
#include "pusher/keepalive.hpp"
#include "pusher/session.hpp"
#include "pusher/ws_frame.hpp"
#include "pusher/ws_handshake.hpp"
#include "server/event_loops.hpp"
#include "server/websocket_route.hpp"

namespace headroom::pusher {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using channels::SharedFrame;

namespace {

constexpr size_t kMaxFramesPerWrite = 64;
constexpr size_t kKeptQueueCapacity = 16;  // frame slots an emptied queue keeps (16 bytes each)
constexpr auto kCloseLinger = std::chrono::seconds(2);
constexpr auto kVipSigninGrace = std::chrono::seconds(5);  // to sign in as VIP in a reserved slot

class WsConnection final : public std::enable_shared_from_this<WsConnection>, public Transport {
 public:
  WsConnection(tcp::socket socket, std::shared_ptr<Hub> hub)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        hub_(std::move(hub)),
        keepalive_(hub_->clock(), *this),
        parser_(static_cast<size_t>(hub_->config().websocket.max_frame_bytes),
                static_cast<size_t>(hub_->config().websocket.max_frame_bytes)) {}

  ~WsConnection() override {
    if (app_) hub_->admission().release(*app_);
  }

  void start(const http::Request& req, std::string already_read) {
    boost::system::error_code nb;
    socket_.non_blocking(true, nb);  // read() reads only after readiness and must never block
    auto response = ws::handshake_response(req);
    if (!response) {
      const int status = response.status().code() == Code::kFailedPrecondition ? 426 : 400;
      write_raw_and_close(ws::http_error_text(status, response.status().message()));
      return;
    }
    write_raw(std::move(*response));
    const auto* app = hub_->config().app_by_key(req.param("key"));
    if (!app) {
      hub_->stats().rejected_unknown_app.inc();
      return refuse(kErrorAppUnknown, "App key " + std::string(req.param("key")) + " does not exist");
    }
    if (!app->enabled) return refuse(kErrorAppDisabled, "App is disabled");
    if (hub_->admission().draining()) return refuse(kErrorReconnect, "Server is shutting down: reconnect");
    const auto admission = hub_->admission().admit(*app);
    switch (admission) {
      case ConnectionAdmission::Result::kOk:
      case ConnectionAdmission::Result::kVipOnly:
        break;
      case ConnectionAdmission::Result::kInstanceFull:
      case ConnectionAdmission::Result::kAppFull:
        hub_->stats().rejected_connection_limit.inc();
        return refuse(kErrorOverCapacity, "Over connection limit: back off and retry");
    }
    app_ = app;
    auto& ctx = static_cast<asio::io_context&>(asio::query(socket_.get_executor(), asio::execution::context));
    Loop& loop = hub_->fanout().loop_for(&ctx, [&ctx] { return std::make_unique<server::AsioExecutor>(ctx); });
    session_ = std::make_unique<Session>(*hub_, loop, *app, *this, make_socket_id());
    session_->set_client(req.remote_ip, std::string(req.header("x-forwarded-for")));
    session_->start();
    if (admission == ConnectionAdmission::Result::kVipOnly) {
      session_->set_vip_only();
      vip_timer_ = std::make_unique<asio::steady_timer>(socket_.get_executor(), kVipSigninGrace);
      vip_timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec || self->closing_ || self->session_->vip()) return;
        self->hub_->stats().rejected_connection_limit.inc();
        self->refuse(kErrorOverCapacity, "Over connection limit: the remaining slots are kept for VIP users");
      });
    }
    arm_timer(keepalive_.start(hub_->config().websocket));
    on_bytes(already_read);
    read();
  }

  // Every frame the server sends after the handshake comes here (data, pongs, pusher:ping,
  // errors), so the queue never holds more than websocket.send_buffer_bytes; close frames too,
  // through close(), which makes room for the one close frame by the same rule.
  bool send_frame(const SharedFrame& frame) override {
    if (closing_) return false;
    if (queued_bytes_ + static_cast<int64_t>(frame->size()) > send_limit()) {
      hub_->stats().slow_consumers_closed.inc();
      drop_unstarted();
      close(kErrorOverCapacity, "Send buffer full: slow consumer");
      return false;
    }
    enqueue(frame);
    return true;
  }

  void close(uint16_t code, const std::string& reason) override {
    if (closing_) return;
    closing_ = true;
    auto frame = std::make_shared<const std::string>(ws::encode_close(code, reason));
    if (queued_bytes_ + static_cast<int64_t>(frame->size()) > send_limit()) drop_unstarted();
    enqueue(std::move(frame));
    close_queued_ = true;
    auto self = shared_from_this();
    timer_.expires_after(kCloseLinger);
    timer_.async_wait([self](boost::system::error_code ec) {
      if (!ec) self->teardown();
    });
    asio::post(socket_.get_executor(), [self] {
      if (self->session_) self->session_->on_closed();
    });
  }

 private:
  void refuse(int code, const std::string& message) {
    (void)send_frame(
        std::make_shared<const std::string>(ws::encode_frame(ws::Opcode::kText, error_message(code, message))));
    close(static_cast<uint16_t>(code), message);
  }

  int64_t send_limit() const { return hub_->config().websocket.send_buffer_bytes; }

  // Frames not yet written are dropped (a frame partly written stays, or the stream would break):
  // a close frame queued next goes out right after what the client already started receiving.
  void drop_unstarted() {
    const size_t keep = head_ + (head_offset_ > 0 ? 1 : 0);
    if (queue_.size() <= keep) return;
    queue_.resize(keep);
    queued_bytes_ = 0;
    for (size_t i = head_; i < queue_.size(); ++i) queued_bytes_ += static_cast<int64_t>(queue_[i]->size());
  }

  void write_raw(std::string bytes) { enqueue(std::make_shared<const std::string>(std::move(bytes))); }

  void write_raw_and_close(std::string bytes) {
    write_raw(std::move(bytes));
    closing_ = true;
    close_queued_ = true;
  }

  // Corked writes: a queued frame only marks the connection dirty; the loop's flush pass (posted
  // once, not once per connection) writes each dirty connection's whole queue with one gather
  // write. Everything queued before the pass reaches a connection (a burst of publishes, or the
  // publishes that arrived while a 10,000-subscriber fan-out was being written) leaves together.
  void enqueue(SharedFrame frame) {
    queued_bytes_ += static_cast<int64_t>(frame->size());
    queue_.push_back(std::move(frame));
    if (dirty_ || waiting_writable_) return;
    dirty_ = true;
    FlushPass::add(shared_from_this());
  }

  // The loop's flush pass: dirty connections in the order they became dirty, a bounded slice per
  // handler so that HTTP requests (publishes) and reads are served between slices of a large
  // fan-out; a connection made dirty again meanwhile goes to the back of the same pass.
  class FlushPass {
   public:
    static void add(std::shared_ptr<WsConnection> conn) {
      FlushPass& pass = local();
      auto executor = conn->socket_.get_executor();
      pass.dirty_.push_back(std::move(conn));
      if (pass.posted_) return;
      pass.posted_ = true;
      asio::post(executor, [executor] { run(executor); });
    }

   private:
    static constexpr size_t kSlice = 64;  // connections written per handler (~0.3 ms)

    static FlushPass& local() {
      thread_local FlushPass pass;  // one per event loop: a loop is one thread (server/event_loops.hpp)
      return pass;
    }

    static void run(const asio::any_io_executor& executor) {
      FlushPass& pass = local();
      const size_t end = std::min(pass.dirty_.size(), pass.next_ + kSlice);
      for (; pass.next_ < end; ++pass.next_) {
        std::shared_ptr<WsConnection> conn = std::move(pass.dirty_[pass.next_]);
        conn->dirty_ = false;
        if (!conn->waiting_writable_) conn->write();
      }
      if (pass.next_ < pass.dirty_.size()) {
        asio::post(executor, [executor] { run(executor); });
        return;
      }
      pass.dirty_.clear();  // keeps its capacity: at most 16 bytes per connection of the loop
      pass.next_ = 0;
      pass.posted_ = false;
    }

    std::vector<std::shared_ptr<WsConnection>> dirty_;
    size_t next_ = 0;
    bool posted_ = false;
  };

  // Writes the queue without blocking, one gather write per kMaxFramesPerWrite frames; when the
  // socket's send buffer is full, waits for writability and continues from where the kernel stopped.
  void write() {
    while (!dead_ && head_ < queue_.size()) {
      thread_local std::vector<asio::const_buffer> buffers;
      buffers.clear();
      size_t want = 0;
      const size_t n = std::min(queue_.size() - head_, kMaxFramesPerWrite);
      for (size_t i = 0; i < n; ++i) {
        const std::string& f = *queue_[head_ + i];
        const size_t skip = i == 0 ? head_offset_ : 0;
        buffers.emplace_back(f.data() + skip, f.size() - skip);
        want += f.size() - skip;
      }
      boost::system::error_code ec;
      const size_t written = socket_.write_some(buffers, ec);
      if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return teardown();
      consume(written);
      if (ec || written < want) {
        compact();
        return wait_writable();
      }
    }
    if (dead_) return;
    // Empty: keep a small queue's storage for the next burst, give a large one back (idle memory).
    queue_.clear();
    head_ = 0;
    if (queue_.capacity() > kKeptQueueCapacity) queue_.shrink_to_fit();
    if (close_queued_) {
      boost::system::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
      if (!session_) teardown();  // handshake refused: nothing more to read
    }
  }

  void consume(size_t bytes) {
    while (bytes > 0 && head_ < queue_.size()) {
      const size_t size = queue_[head_]->size();
      const size_t left = size - head_offset_;
      if (bytes < left) {
        head_offset_ += bytes;
        return;
      }
      bytes -= left;
      queued_bytes_ -= static_cast<int64_t>(size);
      queue_[head_].reset();
      ++head_;
      head_offset_ = 0;
    }
  }

  // A connection that never quite catches up never empties its queue: drop the written slots
  // once they are half of it (amortised O(1) per frame).
  void compact() {
    if (head_ < kMaxFramesPerWrite || head_ * 2 < queue_.size()) return;
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }

  void wait_writable() {
    waiting_writable_ = true;
    socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](boost::system::error_code ec) {
      self->waiting_writable_ = false;
      if (ec) return self->teardown();
      self->write();
    });
  }

  // Waits for readability, then reads into the loop thread's buffer: an idle connection holds no
  // read buffer of its own (the parser keeps only an unfinished frame).
  void read() {
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return self->teardown();
      thread_local std::array<char, 65536> buf;
      boost::system::error_code rec;
      const size_t n = self->socket_.read_some(asio::buffer(buf), rec);
      if (rec == asio::error::would_block || rec == asio::error::try_again) return self->read();
      if (rec) return self->teardown();
      self->on_bytes(std::string_view(buf.data(), n));
      if (!self->dead_) self->read();
    });
  }

  void on_bytes(std::string_view bytes) {
    if (bytes.empty() || closing_) return;
    hub_->stats().bytes_in.inc(bytes.size());
    keepalive_.on_activity();
    parser_.feed(bytes);
    for (;;) {
      ws::Event ev = parser_.next();
      using Kind = ws::Event::Kind;
      if (ev.kind == Kind::kNone) return;
      if (ev.kind == Kind::kMessage) {
        if (ev.opcode == ws::Opcode::kText) {
          session_->on_text(ev.payload);
        } else if (session_->admit(InboundKind::kBinary)) {
          hub_->stats().protocol_errors.inc();
        }
      } else if (ev.kind == Kind::kPing) {
        // The pong answer is queued like any frame: a client that floods pings and never reads
        // fills its send buffer and is closed as a slow consumer (4100), if the rate did not first.
        if (session_->admit(InboundKind::kPingFrame)) {
          (void)send_frame(std::make_shared<const std::string>(ws::encode_frame(ws::Opcode::kPong, ev.payload)));
        }
      } else if (ev.kind == Kind::kPong) {
        (void)session_->admit(InboundKind::kPongFrame);  // costs a parse like any frame, so it counts
      } else if (ev.kind == Kind::kClose) {
        const uint16_t code = ev.close_code == ws::kCloseNoStatus ? ws::kCloseNormal : ev.close_code;
        return close(code, "");
      } else if (ev.kind == Kind::kError) {
        hub_->stats().protocol_errors.inc();
        return close(ev.close_code, ev.payload);
      }
      if (closing_) return;
    }
  }

  // The connection's one timer (close() reuses it for the linger), armed for the keepalive's next
  // deadline on hub_->clock(): the module's Clock, checked again when the timer fires.
  void arm_timer(Clock::Duration after) {
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec && !self->closing_) self->on_timer();
    });
  }

  void on_timer() {
    if (auto next = keepalive_.on_timer(hub_->config().websocket)) arm_timer(*next);
  }

  void teardown() {
    if (dead_) return;
    dead_ = true;
    closing_ = true;
    timer_.cancel();
    if (vip_timer_) vip_timer_->cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (session_) session_->on_closed();
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  std::unique_ptr<asio::steady_timer> vip_timer_;
  std::shared_ptr<Hub> hub_;
  Keepalive keepalive_;
  ws::FrameParser parser_;
  std::unique_ptr<Session> session_;
  const config::AppConfig* app_ = nullptr;
  std::vector<SharedFrame> queue_;  // frames [head_, end) not yet fully written
  size_t head_ = 0;
  size_t head_offset_ = 0;  // bytes of queue_[head_] already written
  int64_t queued_bytes_ = 0;
  bool closing_ = false;
  bool close_queued_ = false;
  bool dead_ = false;
  bool dirty_ = false;             // in the loop's flush pass
  bool waiting_writable_ = false;  // the send buffer was full: write() resumes on writability
};

}  // namespace

void register_websocket_endpoint(server::WebSocketRoutes& routes, std::shared_ptr<Hub> hub) {
  routes.add("/app/{key}", [hub](tcp::socket socket, http::Request request, std::string already_read) {
    auto conn = std::make_shared<WsConnection>(std::move(socket), hub);
    conn->start(request, std::move(already_read));
  });
}

}  // namespace headroom::pusher
