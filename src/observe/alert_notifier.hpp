#pragma once
// Delivers alert transitions to alerts.webhook: one JSON body per transition that both
// Slack-compatible ("text") and Alertmanager-style webhook receivers ("alerts": [...]) accept.
// A bounded queue (drops counted), one request in flight (order kept), retries with exponential
// backoff on the Executor. Callbacks hold a weak reference, so destroying the owner is safe.
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "core/executor.hpp"
#include "observe/alerts.hpp"
#include "observe/metrics.hpp"
#include "server/http_client.hpp"

namespace headroom::observe {

struct NotifierOptions {
  size_t max_queue = 64;
  int max_attempts = 5;
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::milliseconds timeout{5000};
};

// The webhook body for one transition (`to` firing or resolved). `instance` labels the sender.
std::string alert_webhook_body(const AlertTransition& t, std::string_view instance);
// RFC 3339 UTC with milliseconds, e.g. 2026-11-27T05:24:18.123Z.
std::string rfc3339(int64_t unix_ms);

class AlertNotifier : public std::enable_shared_from_this<AlertNotifier> {
 public:
  static std::shared_ptr<AlertNotifier> create(std::string url, server::HttpClient& client, Executor& executor,
                                               Registry& metrics, NotifierOptions options = {});
  // False when the queue is full (the body is dropped and counted).
  bool enqueue(std::string body);
  size_t queued() const;

  AlertNotifier(std::string url, server::HttpClient& client, Executor& executor, Registry& metrics,
                NotifierOptions options);

 private:
  void send_front();
  void on_result(bool ok);

  std::string url_;
  server::HttpClient& client_;
  Executor& executor_;
  NotifierOptions options_;
  Counter& sent_;
  Counter& failed_;
  Counter& dropped_;
  Counter& retries_;
  mutable std::mutex mu_;
  std::deque<std::string> queue_;
  bool in_flight_ = false;
  int attempts_ = 0;
};

}  // namespace headroom::observe
