#pragma once
// Capacity and cost planning (`headroom plan`, DESIGN.md §6): how many instances of which size a
// user count needs, from measured capacity (headroom-bench `users`), and what they cost a month,
// beside the seed's own plan (its growth phases and budgets). Pure functions; no I/O.
#include <optional>
#include <string>
#include <vector>

namespace headroom::plan {

// What one instance holds, measured with the issue-8 user model on one core. Built-in figures:
// bench/results/2026-11-27T092511Z.json, where the run stopped at the VM's 20,000-file limit with
// every p99 under 45 ms, so users_per_core is a lower bound.
struct Capacity {
  double users_per_core = 19000;    // users_reached with the server pinned to one core
  double base_rss_mb = 15;          // resident memory with no users
  double rss_kb_per_user = 4;       // slope of RSS over users
  std::string source = "built-in";  // where the figures came from
};

struct Shape {
  int vcpu = 1;
  int memory_mb = 512;
};

// Instance-based prices per second (Cloud Run "CPU always allocated", tier 1, list price).
struct Prices {
  double vcpu_second = 0.000018;
  double gib_second = 0.000002;
};

// One growth phase of the seed plan (seed: "Growth Plan" and "Budget Planning").
struct SeedPhase {
  int number;
  long min_users;
  long max_users;  // -1: no upper bound
  int max_instances;
  Shape shape;
  double infrastructure_usd;
  double support_usd;
  double tools_usd;
};

const std::vector<SeedPhase>& seed_phases();
const SeedPhase& seed_phase_for(long users);

// The seed's scale triggers: instances are sized to stay below them (CPU and memory at 80 %).
inline constexpr double kTargetUtilisation = 0.8;
inline constexpr double kSecondsPerMonth = 730.0 * 3600;  // the 730-hour month cloud bills use

struct Estimate {
  long users = 0;
  Shape shape;
  long users_per_instance = 0;  // at the target utilisation; the smaller of CPU and memory
  bool memory_bound = false;    // memory, not CPU, limits an instance
  int instances = 0;
  double rss_mb_per_instance = 0;  // expected at users / instances
  double monthly_usd = 0;
  bool needs_cluster = false;  // more than one instance: needs the Redis + PostgreSQL cluster mode
  const SeedPhase* seed = nullptr;
};

// Users one instance of `shape` holds below the seed's triggers.
long users_per_instance(const Capacity& cap, const Shape& shape, bool* memory_bound = nullptr);
double monthly_cost(const Shape& shape, int instances, const Prices& prices);

// With `shape` given: instances of that shape. Without: the smallest seed shape that holds every
// user on one instance, else as many of the largest seed shape as needed.
Estimate estimate(long users, const Capacity& cap, const Prices& prices, std::optional<Shape> shape = std::nullopt);

}  // namespace headroom::plan

namespace headroom::plan {

// Rows for the dashboard's "cost" card: the plan for the users active now and for the top of each
// seed phase, as a JSON array of objects (built-in capacity and prices).
std::string dashboard_rows_json(double active_users);

}  // namespace headroom::plan
