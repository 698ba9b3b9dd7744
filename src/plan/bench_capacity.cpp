#include "plan/bench_capacity.hpp"

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "core/json_input.hpp"

namespace headroom::plan {
namespace json = boost::json;
namespace {

double number(const json::value* v) {
  if (v == nullptr) return 0;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  return 0;
}

// The `results` object of a users scenario: directly, or inside run-all's runs[].output.
const json::object* users_results(const json::value& root) {
  if (!root.is_object()) return nullptr;
  const auto& o = root.get_object();
  if (const auto* s = o.if_contains("scenario"); s && s->is_string() && s->get_string() == "users") {
    const auto* r = o.if_contains("results");
    return r && r->is_object() ? &r->get_object() : nullptr;
  }
  const auto* runs = o.if_contains("runs");
  if (!runs || !runs->is_array()) return nullptr;
  for (const auto& run : runs->get_array()) {
    if (!run.is_object()) continue;
    const auto& r = run.get_object();
    const auto* server = r.if_contains("server");
    const auto* out = r.if_contains("output");
    if (server && server->is_string() && server->get_string() == "headroom" && out) {
      if (const auto* found = users_results(*out)) return found;
    }
  }
  return nullptr;
}

}  // namespace

Result<Capacity> capacity_from_bench_json(std::string_view json_text, std::string_view source) {
  auto root = parse_client_json(json_text);
  if (!root) return invalid_argument(std::string(source) + ": " + root.status().message());
  const json::object* results = users_results(*root);
  if (!results) {
    return invalid_argument(std::string(source) +
                            ": no Headroom `users` scenario result (headroom-bench users, or a bench/run-all file)");
  }
  Capacity cap;
  cap.source = std::string(source);
  cap.users_per_core = number(results->if_contains("users_reached"));
  if (cap.users_per_core <= 0) return invalid_argument(std::string(source) + ": users_reached is missing or zero");
  // Least-squares line through (users, RSS) of every step: slope per user, intercept at zero.
  std::vector<std::pair<double, double>> points;
  if (const auto* steps = results->if_contains("steps"); steps && steps->is_array()) {
    for (const auto& s : steps->get_array()) {
      if (!s.is_object()) continue;
      double users = number(s.get_object().if_contains("users"));
      double rss = number(s.get_object().if_contains("server_rss_bytes"));
      if (users > 0 && rss > 0) points.emplace_back(users, rss);
    }
  }
  if (points.size() >= 2) {
    double n = static_cast<double>(points.size()), sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (auto [x, y] : points) {
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    const double denom = n * sxx - sx * sx;
    if (denom > 0) {
      const double slope = (n * sxy - sx * sy) / denom;
      const double intercept = (sy - slope * sx) / n;
      if (slope > 0) cap.rss_kb_per_user = slope / 1024;
      if (intercept > 0) cap.base_rss_mb = intercept / (1024 * 1024);
    }
  }
  return cap;
}

}  // namespace headroom::plan
