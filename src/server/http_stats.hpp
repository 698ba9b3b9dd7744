#pragma once
// The HTTP server's own metrics (issue 2): requests by route and status, latency per route,
// in-flight requests, connections, admission decisions, timeouts and parse errors.
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "metrics/registry.hpp"

namespace headroom::server {

class HttpStats {
 public:
  explicit HttpStats(metrics::Registry& registry);
  // route: the route's pattern label ("unmatched" when none); seconds: receive → response written.
  void record(std::string_view route, int status, double seconds) { record(series(route, status), seconds); }
  // The series of one (route, status); callers may keep it (the registry never drops series).
  struct Series {
    metrics::Counter* counter = nullptr;
    metrics::Histogram* histogram = nullptr;
  };
  Series series(std::string_view route, int status);
  static void record(const Series& s, double seconds) {
    s.counter->inc();
    s.histogram->observe(seconds);
  }
  void admission_rejected(http::Tier tier);
  void admission_queued() { queued_.inc(); }

  metrics::Gauge& in_flight;
  metrics::Gauge& connections;
  metrics::Counter& connections_rejected;
  metrics::Counter& header_timeouts;
  metrics::Counter& handler_timeouts;
  metrics::Counter& bad_requests;

 private:
  metrics::Registry& registry_;
  metrics::Counter& queued_;
};

}  // namespace headroom::server
