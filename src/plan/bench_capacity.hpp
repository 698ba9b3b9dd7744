#pragma once
// Reads measured capacity from headroom-bench output: either one `users` scenario result or a
// bench/run-all results file (the Headroom `users` run in it).
#include <string_view>

#include "core/status.hpp"
#include "plan/capacity_plan.hpp"

namespace headroom::plan {

// INVALID_ARGUMENT naming what is missing when the JSON holds no Headroom user-model run.
Result<Capacity> capacity_from_bench_json(std::string_view json_text, std::string_view source);

}  // namespace headroom::plan
