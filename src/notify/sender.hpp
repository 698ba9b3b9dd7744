#pragma once
// The one outbound notification sender (Pusher webhooks, alert notifications). It holds a
// bounded number of deliveries (count and body bytes; what does not fit is dropped and counted),
// runs up to max_in_flight of them at once in the order they came (1 keeps the order strictly: a
// retrying delivery holds back the ones behind it), and retries a failed POST with exponential
// backoff on the Executor. Every attempt is one server::HttpClient POST with a deadline. The caller
// builds the body and its headers (signatures included) once; retries resend the same bytes.
// Callbacks hold a weak reference: destroying the sender abandons what it still holds. Any thread.
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "core/executor.hpp"
#include "core/status.hpp"
#include "metrics/registry.hpp"
#include "server/http_client.hpp"

namespace headroom::notify {

struct Notification {
  std::string url;
  server::HttpClient::Headers headers;
  std::string body;
  uint64_t items = 1;  // what a drop counts (a webhook batch: its events)
};

struct SenderOptions {
  std::string name = "notification";              // in log lines: "webhook", "alert notification"
  size_t max_queue = 64;                          // deliveries held: waiting, in flight or backing off
  size_t max_queue_bytes = 64 << 20;              // their bodies' bytes
  size_t max_in_flight = 1;                       // started and not finished; 1 keeps the order
  int max_attempts = 5;                           // then the delivery is given up and counted failed
  std::chrono::milliseconds first_backoff{1000};  // after the first failure; doubles each time
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::milliseconds timeout{5000};  // per attempt, over the whole exchange
};

// The counters a sender bumps. The owner names them: its metrics are its own API.
struct SenderStats {
  metrics::Counter& sent;     // delivered: a 2xx answer
  metrics::Counter& failed;   // given up after max_attempts
  metrics::Counter& dropped;  // by Notification::items: the sender was full
  metrics::Counter& retries;  // failed attempts that are tried again
};

enum class Enqueued { kAccepted, kDropped };

class Sender final : public std::enable_shared_from_this<Sender> {
 public:
  static std::shared_ptr<Sender> create(server::HttpClient& client, Executor& executor, SenderStats stats,
                                        SenderOptions options);
  Sender(server::HttpClient& client, Executor& executor, SenderStats stats, SenderOptions options);
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Starts the delivery now if a slot is free. kDropped: full, counted in stats.dropped.
  Enqueued enqueue(Notification n);
  size_t held() const;  // waiting, in flight or backing off
  // The wait after the `failures`-th failed attempt of one delivery (1: first_backoff).
  static std::chrono::milliseconds backoff(const SenderOptions& options, int failures);

 private:
  struct Delivery {
    Notification n;
    int failures = 0;
  };
  using DeliveryPtr = std::shared_ptr<Delivery>;
  void start_ready();
  void attempt(const DeliveryPtr& d);
  void on_result(const DeliveryPtr& d, const Result<server::HttpClientResponse>& r);
  void finish(const DeliveryPtr& d);
  void log_give_up(const Delivery& d, const Result<server::HttpClientResponse>& r) const;

  server::HttpClient& client_;
  Executor& executor_;
  SenderStats stats_;
  const SenderOptions options_;
  mutable std::mutex mu_;
  std::deque<DeliveryPtr> waiting_;
  size_t active_ = 0;      // in flight or backing off
  size_t held_bytes_ = 0;  // bodies of waiting and active deliveries
};

}  // namespace headroom::notify
