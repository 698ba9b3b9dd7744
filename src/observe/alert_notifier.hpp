#pragma once
// Delivers alert transitions to alerts.webhook: one JSON body per transition that both
// Slack-compatible ("text") and Alertmanager-style webhook receivers ("alerts": [...]) accept.
// Delivery is notify::Sender's: a bounded queue (drops counted), one request in flight (order
// kept), retries with exponential backoff on the Executor; destroying the notifier is safe.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/executor.hpp"
#include "metrics/registry.hpp"
#include "notify/sender.hpp"
#include "observe/alerts.hpp"
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

class AlertNotifier {
 public:
  static std::shared_ptr<AlertNotifier> create(std::string url, server::HttpClient& client, Executor& executor,
                                               metrics::Registry& metrics, NotifierOptions options = {});
  // False when the queue is full (the body is dropped and counted).
  bool enqueue(std::string body);
  size_t queued() const { return sender_->held(); }

  AlertNotifier(std::string url, server::HttpClient& client, Executor& executor, metrics::Registry& metrics,
                NotifierOptions options);

 private:
  std::string url_;
  std::shared_ptr<notify::Sender> sender_;
};

}  // namespace headroom::observe
