#include "observe/alert_notifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <ctime>

namespace headroom::observe {

namespace json = boost::json;

std::string rfc3339(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
}

std::string alert_webhook_body(const AlertTransition& t, std::string_view instance) {
  const bool resolved = t.to == "resolved";
  const std::string status = resolved ? "resolved" : "firing";
  const std::string severity(severity_name(t.severity));
  std::string text = fmt::format("[{}] {} ({}) on {}: {} — value {:.4g} {} {:.4g}", resolved ? "RESOLVED" : "FIRING",
                                 t.name, severity, instance, t.summary, t.value, t.comparison, t.threshold);
  json::object labels{{"alertname", t.name}, {"severity", severity}, {"instance", instance}, {"service", "headroom"}};
  json::object annotations{{"summary", t.summary},
                           {"description", t.description},
                           {"value", fmt::format("{:.6g}", t.value)},
                           {"threshold", fmt::format("{} {:.6g}", t.comparison, t.threshold)}};
  json::object alert{{"status", status},
                     {"labels", labels},
                     {"annotations", annotations},
                     {"startsAt", rfc3339(t.starts_at_ms ? t.starts_at_ms : t.at_ms)},
                     {"endsAt", resolved ? rfc3339(t.at_ms) : "0001-01-01T00:00:00Z"},
                     {"generatorURL", ""},
                     {"fingerprint", fmt::format("{:016x}", std::hash<std::string>{}(t.name))}};
  json::object body{{"text", text},
                    {"version", "4"},
                    {"status", status},
                    {"receiver", "headroom"},
                    {"groupKey", fmt::format("{{}}:{{alertname=\"{}\"}}", t.name)},
                    {"groupLabels", json::object{{"alertname", t.name}}},
                    {"commonLabels", labels},
                    {"commonAnnotations", annotations},
                    {"externalURL", ""},
                    {"truncatedAlerts", 0},
                    {"alerts", json::array{alert}}};
  return json::serialize(body);
}

std::shared_ptr<AlertNotifier> AlertNotifier::create(std::string url, server::HttpClient& client, Executor& executor,
                                                     Registry& metrics, NotifierOptions options) {
  return std::make_shared<AlertNotifier>(std::move(url), client, executor, metrics, options);
}

AlertNotifier::AlertNotifier(std::string url, server::HttpClient& client, Executor& executor, Registry& metrics,
                             NotifierOptions options)
    : url_(std::move(url)),
      client_(client),
      executor_(executor),
      options_(options),
      sent_(metrics.counter("headroom_alert_notifications_total", "Alert webhook deliveries by result.",
                            {{"result", "sent"}})),
      failed_(metrics.counter("headroom_alert_notifications_total", "Alert webhook deliveries by result.",
                              {{"result", "failed"}})),
      dropped_(metrics.counter("headroom_alert_notifications_total", "Alert webhook deliveries by result.",
                               {{"result", "dropped"}})),
      retries_(metrics.counter("headroom_alert_notification_retries_total", "Alert webhook attempts retried.")) {}

bool AlertNotifier::enqueue(std::string body) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= options_.max_queue) {
      dropped_.inc();
      return false;
    }
    queue_.push_back(std::move(body));
    if (in_flight_) return true;
    in_flight_ = true;
  }
  send_front();
  return true;
}

size_t AlertNotifier::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void AlertNotifier::send_front() {
  std::string body;
  {
    std::lock_guard lock(mu_);
    if (queue_.empty()) {
      in_flight_ = false;
      return;
    }
    body = queue_.front();
  }
  std::weak_ptr<AlertNotifier> weak = weak_from_this();
  client_.post(
      url_, {{"Content-Type", "application/json"}, {"User-Agent", "headroom-alerts"}}, std::move(body),
      [weak](Result<server::HttpClientResponse> r) {
        if (auto self = weak.lock()) self->on_result(r.is_ok() && r->status >= 200 && r->status < 300);
      },
      options_.timeout);
}

void AlertNotifier::on_result(bool ok) {
  std::weak_ptr<AlertNotifier> weak = weak_from_this();
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard lock(mu_);
    if (!ok && ++attempts_ < options_.max_attempts) {
      retries_.inc();
      delay = std::min(options_.max_backoff, options_.first_backoff * (1 << std::min(attempts_ - 1, 16)));
    } else {
      (ok ? sent_ : failed_).inc();
      attempts_ = 0;
      queue_.pop_front();
    }
  }
  executor_.post_after(delay, [weak] {
    if (auto self = weak.lock()) self->send_front();
  });
}

}  // namespace headroom::observe
