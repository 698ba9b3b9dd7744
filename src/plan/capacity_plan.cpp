#include "plan/capacity_plan.hpp"

#include <algorithm>
#include <cmath>

namespace headroom::plan {

const std::vector<SeedPhase>& seed_phases() {
  // The seed's three phases: users, max instances, instance shape, monthly budgets.
  static const std::vector<SeedPhase> phases = {
      {1, 1, 1000, 10, {1, 512}, 100, 50, 50},
      {2, 1000, 5000, 20, {2, 1024}, 300, 150, 100},
      {3, 5000, -1, 50, {4, 2048}, 1000, 500, 200},
  };
  return phases;
}

const SeedPhase& seed_phase_for(long users) {
  for (const auto& p : seed_phases()) {
    if (p.max_users < 0 || users <= p.max_users) return p;
  }
  return seed_phases().back();
}

long users_per_instance(const Capacity& cap, const Shape& shape, bool* memory_bound) {
  const double by_cpu = cap.users_per_core * shape.vcpu * kTargetUtilisation;
  const double usable_mb = shape.memory_mb * kTargetUtilisation - cap.base_rss_mb;
  const double by_memory = cap.rss_kb_per_user > 0 ? std::max(0.0, usable_mb) * 1024 / cap.rss_kb_per_user : by_cpu;
  if (memory_bound) *memory_bound = by_memory < by_cpu;
  return static_cast<long>(std::floor(std::min(by_cpu, by_memory)));
}

double monthly_cost(const Shape& shape, int instances, const Prices& prices) {
  const double per_second = shape.vcpu * prices.vcpu_second + shape.memory_mb / 1024.0 * prices.gib_second;
  return per_second * kSecondsPerMonth * instances;
}

Estimate estimate(long users, const Capacity& cap, const Prices& prices, std::optional<Shape> shape) {
  Estimate e;
  e.users = std::max(0L, users);
  e.seed = &seed_phase_for(std::max(1L, e.users));
  if (!shape) {
    shape = seed_phases().back().shape;
    for (const auto& p : seed_phases()) {
      if (users_per_instance(cap, p.shape) >= e.users) {
        shape = p.shape;
        break;
      }
    }
  }
  e.shape = *shape;
  e.users_per_instance = users_per_instance(cap, e.shape, &e.memory_bound);
  if (e.users_per_instance <= 0) {
    e.instances = 0;  // the shape cannot hold a single user: reported as such
  } else {
    e.instances = static_cast<int>(std::max(1L, (e.users + e.users_per_instance - 1) / e.users_per_instance));
    e.rss_mb_per_instance = cap.base_rss_mb + static_cast<double>(e.users) / e.instances * cap.rss_kb_per_user / 1024;
  }
  e.monthly_usd = monthly_cost(e.shape, e.instances, prices);
  e.needs_cluster = e.instances > 1;
  return e;
}

}  // namespace headroom::plan
