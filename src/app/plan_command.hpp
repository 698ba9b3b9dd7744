#pragma once
// `headroom plan USERS`: instances and monthly cost for a user count (src/plan), beside the seed's plan.
#include <string>

namespace headroom::app {

struct PlanOptions {
  long users = 0;
  int vcpu = 0;       // 0: pick the smallest seed shape that fits
  int memory_mb = 0;  // with vcpu
  std::string bench_file;
  double price_vcpu_second = -1;  // <0: built-in list price
  double price_gib_second = -1;
  bool json = false;
};

int run_plan(const PlanOptions& opts);

}  // namespace headroom::app
