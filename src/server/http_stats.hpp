#pragma once
// The HTTP server's own metrics (issue 2): requests by route and status, latency per route,
// in-flight requests, connections, admission decisions, timeouts and parse errors.
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "observe/metrics.hpp"

namespace headroom::server {

class HttpStats {
 public:
  explicit HttpStats(observe::Registry& registry);
  // route: the route's pattern label ("unmatched" when none); seconds: receive → response written.
  void record(std::string_view route, int status, double seconds) { record(series(route, status), seconds); }
  // The series of one (route, status); callers may keep it (the registry never drops series).
  struct Series {
    observe::Counter* counter = nullptr;
    observe::Histogram* histogram = nullptr;
  };
  Series series(std::string_view route, int status);
  static void record(const Series& s, double seconds) {
    s.counter->inc();
    s.histogram->observe(seconds);
  }
  void admission_rejected(http::Tier tier);
  void admission_queued() { queued_.inc(); }

  observe::Gauge& in_flight;
  observe::Gauge& connections;
  observe::Counter& connections_rejected;
  observe::Counter& header_timeouts;
  observe::Counter& handler_timeouts;
  observe::Counter& bad_requests;

 private:
  observe::Registry& registry_;
  observe::Counter& queued_;
};

}  // namespace headroom::server
