#include "observe/alert_notifier.hpp"

#include <fmt/format.h>

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
                                                     metrics::Registry& metrics, NotifierOptions options) {
  return std::make_shared<AlertNotifier>(std::move(url), client, executor, metrics, options);
}

namespace {

notify::SenderStats sender_stats(metrics::Registry& metrics) {
  auto result = [&metrics](const char* r) -> metrics::Counter& {
    return metrics.counter("headroom_alert_notifications_total", "Alert webhook deliveries by result.",
                           {{"result", r}});
  };
  return {result("sent"), result("failed"), result("dropped"),
          metrics.counter("headroom_alert_notification_retries_total", "Alert webhook attempts retried.")};
}

notify::SenderOptions sender_options(const NotifierOptions& options) {
  notify::SenderOptions out;
  out.name = "alert notification";
  out.max_queue = options.max_queue;
  out.max_in_flight = 1;  // transitions arrive in order: firing before its resolved
  out.max_attempts = options.max_attempts;
  out.first_backoff = options.first_backoff;
  out.max_backoff = options.max_backoff;
  out.timeout = options.timeout;
  return out;
}

}  // namespace

AlertNotifier::AlertNotifier(std::string url, server::HttpClient& client, Executor& executor,
                             metrics::Registry& metrics, NotifierOptions options)
    : url_(std::move(url)),
      sender_(notify::Sender::create(client, executor, sender_stats(metrics), sender_options(options))) {}

bool AlertNotifier::enqueue(std::string body) {
  notify::Notification n{
      url_, {{"Content-Type", "application/json"}, {"User-Agent", "headroom-alerts"}}, std::move(body)};
  return sender_->enqueue(std::move(n)) == notify::Enqueued::kAccepted;
}

}  // namespace headroom::observe
