#pragma once
// Maps method + path to a handler. Patterns are literal segments and {name} captures:
//   /v1/apps/{app_id}/collections/{col}/docs/{id}
// A capture matches one non-empty segment; the value is percent-decoded into Request::params.
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace headroom::http {

struct RouteOptions {
  // Subject to admission control (in-flight limit and queue). Health, metrics and static assets
  // are not, so an overloaded instance can still say so.
  bool admitted = true;
  // Label for metrics: the pattern, never the concrete path (bounded cardinality).
  std::string label;
};

class Router {
 public:
  struct Route {
    Method method;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
  };
  struct Match {
    const Route* route = nullptr;
    bool path_matched = false;  // some route had this path but not this method → 405
  };

  void add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});
  // Finds the route and fills req.params. HEAD falls back to GET routes.
  Match match(Request& req) const;
  // The methods some route serves at this target's path, for a 405's Allow header ("GET, HEAD").
  std::string allowed_methods(std::string_view target) const;

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<size_t>> by_count_;  // route indexes by number of segments, in order added
};

}  // namespace headroom::http
