#include "server/http_stats.hpp"

#include <unordered_map>

namespace headroom::server {

HttpStats::HttpStats(metrics::Registry& r)
    : in_flight(r.gauge("headroom_http_in_flight", "HTTP requests being handled now (admitted routes).")),
      connections(r.gauge("headroom_http_connections", "Open HTTP connections.")),
      connections_rejected(r.counter("headroom_http_connections_rejected_total",
                                     "Connections closed at accept because server.max_connections was reached.")),
      header_timeouts(r.counter("headroom_http_header_timeouts_total",
                                "Connections cut because a request's headers did not arrive in time.")),
      handler_timeouts(r.counter("headroom_http_handler_timeouts_total",
                                 "Requests answered 504 because their handler did not answer within "
                                 "server.handler_timeout_ms.")),
      bad_requests(r.counter("headroom_http_bad_requests_total",
                             "Requests refused before routing: malformed, too large, or too slow.")),
      registry_(r),
      queued_(r.counter("headroom_admission_queued_total", "Requests that waited for an admission slot.")) {
  for (auto tier : {http::Tier::kAnonymous, http::Tier::kAuthenticated, http::Tier::kVip, http::Tier::kServer}) {
    r.counter("headroom_admission_rejected_total", "Requests refused with 503 by admission control.",
              {{"tier", std::string(http::tier_name(tier))}});
  }
}

HttpStats::Series HttpStats::series(std::string_view route, int status) {
  // Each loop thread keeps its own index of series, so the registry's lock is taken once per
  // (route, status) per thread, not once per request.
  thread_local std::unordered_map<std::string, metrics::Counter*> counters;
  thread_local std::unordered_map<std::string, metrics::Histogram*> histograms;
  std::string key(route);
  key += '|';
  key += std::to_string(status);
  auto& c = counters[key];
  if (!c) {
    c = &registry_.counter("headroom_http_requests_total", "HTTP requests by route pattern and status.",
                           {{"route", std::string(route)}, {"code", std::to_string(status)}});
  }
  auto& h = histograms[std::string(route)];
  if (!h) {
    h = &registry_.histogram("headroom_http_request_duration_seconds",
                             "Time from a request's arrival to its response written, per route.",
                             {{"route", std::string(route)}});
  }
  return Series{c, h};
}

void HttpStats::admission_rejected(http::Tier tier) {
  registry_
      .counter("headroom_admission_rejected_total", "Requests refused with 503 by admission control.",
               {{"tier", std::string(http::tier_name(tier))}})
      .inc();
}

}  // namespace headroom::server
