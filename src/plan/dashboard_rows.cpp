#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

#include "plan/capacity_plan.hpp"

namespace headroom::plan {

std::string dashboard_rows_json(double active_users) {
  const Capacity cap;
  const Prices prices;
  boost::json::array rows;
  auto add = [&](std::string label, long users) {
    const auto e = estimate(users, cap, prices);
    rows.push_back({{"users", std::move(label)},
                    {"instances", fmt::format("{} × {} vCPU / {} MiB{}", e.instances, e.shape.vcpu, e.shape.memory_mb,
                                              e.needs_cluster ? " (cluster)" : "")},
                    {"USD / month", std::round(e.monthly_usd * 100) / 100},
                    {"seed budget", static_cast<int64_t>(e.seed->infrastructure_usd)}});
  };
  const long now = std::max(1L, std::lround(active_users));
  add(fmt::format("{} (active now)", now), now);
  for (long users : {1000L, 5000L, 50000L}) add(fmt::format("{}", users), users);
  return boost::json::serialize(rows);
}

}  // namespace headroom::plan
