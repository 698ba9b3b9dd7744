// Client connections on Asio: a TCP/WebSocket stream and a keep-alive HTTP pool. Reads use
// wait-for-readable then a non-blocking read into one buffer per thread, so an idle connection
// holds no read buffer (the bench keeps tens of thousands open).
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "core/crypto.hpp"
#include "net_asio.hpp"
#include "ws_codec.hpp"

namespace headroom::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

thread_local char t_read_buffer[256 * 1024];

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
using BindNoPort = asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;

error_code open_bound(tcp::socket& socket, const std::string& source_ip) {
  error_code ec;
  socket.open(tcp::v4(), ec);
  if (ec || source_ip.empty()) return ec;
  socket.set_option(BindNoPort(true), ec);
  ec.clear();
  socket.bind(tcp::endpoint(asio::ip::make_address_v4(source_ip, ec), 0), ec);
  return ec;
}

tcp::endpoint endpoint_of(const Endpoint& e) {
  error_code ec;
  auto addr = asio::ip::make_address(e.host == "localhost" ? "127.0.0.1" : e.host, ec);
  return tcp::endpoint(ec ? asio::ip::address_v4::loopback() : addr, static_cast<unsigned short>(e.port));
}

class StreamImpl final : public StreamConn, public std::enable_shared_from_this<StreamImpl> {
 public:
  StreamImpl(Loop& loop, Options options, std::weak_ptr<StreamHandler> handler)
      : socket_(io_of(loop)), options_(std::move(options)), handler_(std::move(handler)) {}

  void start() {
    if (auto ec = open_bound(socket_, options_.source_ip)) return fail("bind: " + ec.message());
    socket_.async_connect(endpoint_of(options_.server), [self = shared_from_this()](const error_code& ec) {
      if (ec) return self->fail("connect: " + ec.message());
      error_code ignored;
      self->socket_.set_option(tcp::no_delay(true), ignored);
      self->socket_.non_blocking(true, ignored);
      if (self->options_.ws_target.empty()) {
        self->open_ = true;
        if (auto h = self->handler_.lock()) h->on_open();
      } else {
        self->ws_key_ = ws::make_key();
        self->write_raw(
            ws::upgrade_request(self->options_.server.host + ":" + std::to_string(self->options_.server.port),
                                self->options_.ws_target, self->ws_key_));
      }
      self->wait_readable();
    });
  }

  void send(std::string_view payload, bool binary) override {
    if (!open_) return;
    if (options_.ws_target.empty()) {
      pending_.append(payload);
    } else {
      ws::append_frame(pending_, binary ? ws::Opcode::kBinary : ws::Opcode::kText, payload,
                       static_cast<uint32_t>(crypto::random_u64()));
    }
    flush();
  }

  void close() override {
    if (closed_) return;
    if (open_ && !options_.ws_target.empty()) {
      // A close frame, best effort, then the socket.
      std::string frame = ws::encode_frame(ws::Opcode::kClose, std::string("\x03\xe8", 2), 0x01020304);
      error_code ignored;
      socket_.write_some(asio::buffer(frame), ignored);
    }
    fail("closed by client");
  }

  bool is_open() const override { return open_; }

 private:
  void write_raw(std::string bytes) {
    pending_.append(bytes);
    flush();
  }

  void flush() {
    if (writing_ || pending_.empty() || closed_) return;
    writing_ = true;
    out_.swap(pending_);
    pending_.clear();
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](const error_code& ec, size_t) {
      self->writing_ = false;
      self->out_.clear();
      if (ec) return self->fail("write: " + ec.message());
      self->flush();
    });
  }

  void wait_readable() {
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
      if (ec) return self->fail("read: " + ec.message());
      self->read_available();
    });
  }

  void read_available() {
    for (int i = 0; i < 16 && !closed_; ++i) {
      error_code ec;
      size_t n = socket_.read_some(asio::buffer(t_read_buffer), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) break;
      if (ec) return fail(ec == asio::error::eof ? "closed by server" : "read: " + ec.message());
      on_bytes(std::string_view(t_read_buffer, n));
      if (n < sizeof(t_read_buffer)) break;
    }
    if (!closed_) wait_readable();
  }

  void on_bytes(std::string_view bytes) {
    auto handler = handler_.lock();
    if (options_.ws_target.empty()) {
      if (handler) handler->on_data(bytes);
      return;
    }
    std::string_view data = bytes;
    if (!in_.empty() || !open_) {
      in_.append(bytes);
      data = in_;
    }
    size_t used = 0;
    if (!open_) {
      auto hs = ws::parse_handshake_response(data, ws_key_);
      if (hs.state == ws::HandshakeResult::State::kIncomplete) return;
      if (hs.state == ws::HandshakeResult::State::kFailed) return fail(hs.error);
      open_ = true;
      used = hs.consumed;
      if (handler) handler->on_open();
    }
    while (!closed_) {
      auto r = ws::decode_frame(data.substr(used), options_.max_message);
      if (r.state == ws::DecodeResult::State::kIncomplete) break;
      if (r.state == ws::DecodeResult::State::kError) return fail("websocket: " + r.error);
      used += r.frame.size;
      on_frame(std::move(r.frame), handler.get());
    }
    if (closed_) return;
    std::string rest(data.substr(used));
    in_.swap(rest);
  }

  void on_frame(ws::Frame frame, StreamHandler* handler) {
    switch (frame.op) {
      case ws::Opcode::kPing:
        ws::append_frame(pending_, ws::Opcode::kPong, frame.payload, static_cast<uint32_t>(crypto::random_u64()));
        flush();
        return;
      case ws::Opcode::kPong:
        return;
      case ws::Opcode::kClose: {
        int code = frame.payload.size() >= 2
                       ? (static_cast<uint8_t>(frame.payload[0]) << 8) | static_cast<uint8_t>(frame.payload[1])
                       : 1005;
        return fail("close frame " + std::to_string(code) + " " +
                    frame.payload.substr(std::min<size_t>(2, frame.payload.size())));
      }
      case ws::Opcode::kContinuation:
        fragments_.append(frame.payload);
        if (frame.fin && handler) handler->on_message(fragments_, fragments_binary_);
        if (frame.fin) fragments_.clear();
        return;
      default:
        if (!frame.fin) {
          fragments_ = std::move(frame.payload);
          fragments_binary_ = frame.op == ws::Opcode::kBinary;
          return;
        }
        if (handler) handler->on_message(frame.payload, frame.op == ws::Opcode::kBinary);
    }
  }

  void fail(const std::string& reason) {
    if (closed_) return;
    closed_ = true;
    open_ = false;
    error_code ignored;
    socket_.close(ignored);
    if (auto h = handler_.lock()) h->on_closed(reason);
  }

  tcp::socket socket_;
  Options options_;
  std::weak_ptr<StreamHandler> handler_;
  std::string ws_key_;
  std::string in_, out_, pending_, fragments_;
  bool fragments_binary_ = false;
  bool open_ = false, closed_ = false, writing_ = false;
};

// ---- HTTP ----

struct PendingRequest {
  std::string wire;
  bool head = false;
  HttpCallback callback;
};

class HttpConn : public std::enable_shared_from_this<HttpConn> {
 public:
  using Done = std::function<void(HttpConn*)>;
  HttpConn(asio::io_context& io, const Endpoint& server, std::string source_ip, Done done)
      : socket_(io), server_(server), source_ip_(std::move(source_ip)), done_(std::move(done)) {}

  bool busy() const { return busy_; }

  void run(PendingRequest req) {
    busy_ = true;
    current_ = std::move(req);
    if (connected_) return write();
    in_.clear();
    error_code ec;
    socket_.close(ec);
    if ((ec = open_bound(socket_, source_ip_))) return finish({}, "bind: " + ec.message(), false);
    socket_.async_connect(endpoint_of(server_), [self = shared_from_this()](const error_code& ec) {
      if (ec) return self->finish({}, "connect: " + ec.message(), false);
      error_code ignored;
      self->socket_.set_option(tcp::no_delay(true), ignored);
      self->connected_ = true;
      self->write();
    });
  }

  void close() {
    error_code ec;
    socket_.close(ec);
    connected_ = false;
  }
  // The pool is going away: close, and never call back again.
  void abandon() {
    abandoned_ = true;
    close();
  }

 private:
  void write() {
    asio::async_write(socket_, asio::buffer(current_.wire), [self = shared_from_this()](const error_code& ec, size_t) {
      if (ec) return self->finish({}, "write: " + ec.message(), false);
      self->read();
    });
  }

  void read() {
    auto r = parse_http_response(in_, current_.head);
    if (r.state == HttpParse::State::kDone) {
      in_.erase(0, r.consumed);
      return finish(std::move(r.response), {}, r.response.keep_alive);
    }
    if (r.state == HttpParse::State::kError) return finish({}, r.error, false);
    socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](const error_code& ec, size_t n) {
      if (ec) return self->finish({}, ec == asio::error::eof ? "closed by server" : "read: " + ec.message(), false);
      self->in_.append(self->buf_, n);
      self->read();
    });
  }

  void finish(HttpResponse response, std::string error, bool keep) {
    if (abandoned_) return;
    if (!keep) close();
    auto callback = std::move(current_.callback);
    current_ = {};
    busy_ = false;
    callback(response, error);
    done_(this);
  }

  tcp::socket socket_;
  Endpoint server_;
  std::string source_ip_;
  Done done_;
  PendingRequest current_;
  std::string in_;
  char buf_[16384];
  bool busy_ = false, connected_ = false, abandoned_ = false;
};

class HttpPoolImpl final : public HttpPool, public std::enable_shared_from_this<HttpPoolImpl> {
 public:
  ~HttpPoolImpl() override {
    for (auto& c : conns_) c->abandon();
  }
  HttpPoolImpl(Loop& loop, Endpoint server, int connections, std::string source_ip)
      : io_(io_of(loop)), server_(std::move(server)), host_header_(server_.host + ":" + std::to_string(server_.port)) {
    for (int i = 0; i < std::max(1, connections); ++i) {
      conns_.push_back(std::make_shared<HttpConn>(io_, server_, source_ip, [this](HttpConn* c) { next(c); }));
    }
  }

  void request(HttpRequest request, HttpCallback callback) override {
    PendingRequest p;
    p.head = request.method == "HEAD";
    p.wire.reserve(128 + request.target.size() + request.headers.size() + request.body.size());
    p.wire.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\nHost: ").append(host_header_);
    p.wire.append("\r\n");
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      p.wire.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
    }
    p.wire.append(request.headers).append("\r\n").append(request.body);
    p.callback = std::move(callback);
    for (auto& c : conns_) {
      if (!c->busy()) return c->run(std::move(p));
    }
    queue_.push_back(std::move(p));
  }

  size_t backlog() const override { return queue_.size(); }

  void close() override {
    closing_ = true;
    queue_.clear();
    for (auto& c : conns_) c->abandon();
  }

 private:
  void next(HttpConn* conn) {
    if (closing_ || queue_.empty() || conn->busy()) return;
    PendingRequest p = std::move(queue_.front());
    queue_.pop_front();
    conn->run(std::move(p));
  }

  asio::io_context& io_;
  Endpoint server_;
  std::string host_header_;
  std::vector<std::shared_ptr<HttpConn>> conns_;
  std::deque<PendingRequest> queue_;
  bool closing_ = false;
};

}  // namespace

std::shared_ptr<StreamConn> StreamConn::open(Loop& loop, Options options, std::weak_ptr<StreamHandler> handler) {
  auto conn = std::make_shared<StreamImpl>(loop, std::move(options), std::move(handler));
  loop.post([conn] { conn->start(); });
  return conn;
}

std::shared_ptr<HttpPool> HttpPool::create(Loop& loop, Endpoint server, int connections, std::string source_ip) {
  return std::make_shared<HttpPoolImpl>(loop, std::move(server), connections, std::move(source_ip));
}

}  // namespace headroom::bench
