#pragma once
// The bench's event loops and connections, with Asio kept behind this header (only net_*.cpp
// include it). Threading: one io_context per thread ("loop"); a connection lives on one loop and
// every callback of it runs there; scenario state is kept per loop and merged at the end.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http_response.hpp"

namespace headroom::bench {

int64_t now_ns();  // steady clock, nanoseconds

class Loop {
 public:
  virtual ~Loop() = default;
  [[nodiscard]] virtual int index() const = 0;
  virtual void post(std::function<void()> fn) = 0;
  // Runs fn on this loop at when_ns (now_ns() clock), or at once if that has passed.
  virtual void at(int64_t when_ns, std::function<void()> fn) = 0;
  void after(int64_t delay_ns, std::function<void()> fn) { at(now_ns() + delay_ns, std::move(fn)); }
};

class Runtime {
 public:
  explicit Runtime(int threads);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  [[nodiscard]] int size() const;
  Loop& loop(int i);
  // Runs fn on every loop and waits until all have returned.
  void on_all(const std::function<void(Loop&)>& fn);
  // Stops the loops and joins their threads; connections must be dropped after this, before
  // the Runtime is destroyed.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 0;
};

// Source addresses 127.0.0.1 .. 127.0.0.N, so more than ~28k connections fit under the
// ephemeral-port range (the port is picked at connect time: IP_BIND_ADDRESS_NO_PORT).
std::string source_address(size_t connection_index, int count);

// Raises RLIMIT_NOFILE to its hard limit (or to want, where permitted); returns the soft limit.
uint64_t raise_file_limit(uint64_t want);

class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  virtual void on_open() {}
  virtual void on_message(std::string_view payload, bool binary) { (void)payload, (void)binary; }  // WebSocket
  virtual void on_data(std::string_view bytes) { (void)bytes; }                                    // raw TCP
  virtual void on_closed(std::string_view reason) { (void)reason; }
};

// A client TCP connection, upgraded to a WebSocket when ws_target is set.
class StreamConn {
 public:
  struct Options {
    Endpoint server;
    std::string source_ip;  // empty: any
    std::string ws_target;  // e.g. "/app/key?protocol=7"; empty: raw TCP
    uint64_t max_message = 1 << 20;
  };
  // Starts connecting on loop; callbacks go to handler while it lives.
  static std::shared_ptr<StreamConn> open(Loop& loop, Options options, std::weak_ptr<StreamHandler> handler);
  virtual ~StreamConn() = default;
  // On the loop thread. WebSocket: one masked frame (text or binary); raw: the bytes. Sends are
  // coalesced into one write while a write is in flight.
  virtual void send(std::string_view payload, bool binary = false) = 0;
  virtual void close() = 0;
  [[nodiscard]] virtual bool is_open() const = 0;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target;
  std::string headers;  // extra header lines, each ending in \r\n
  std::string body;
};
using HttpCallback = std::function<void(const HttpResponse& response, std::string_view error)>;

// Keep-alive HTTP/1.1 connections to one server, on one loop; requests beyond the free
// connections wait in a queue (its time counts in the caller's latency).
class HttpPool {
 public:
  static std::shared_ptr<HttpPool> create(Loop& loop, Endpoint server, int connections, std::string source_ip);
  virtual ~HttpPool() = default;
  virtual void request(HttpRequest request, HttpCallback callback) = 0;  // loop thread
  [[nodiscard]] virtual size_t backlog() const = 0;
  virtual void close() = 0;
};

}  // namespace headroom::bench
