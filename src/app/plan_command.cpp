#include "app/plan_command.hpp"

#include <fmt/format.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "plan/bench_capacity.hpp"
#include "plan/capacity_plan.hpp"

namespace headroom::app {
namespace {

std::string shape_text(const plan::Shape& s) {
  return s.memory_mb % 1024 == 0 ? fmt::format("{} vCPU / {} GiB", s.vcpu, s.memory_mb / 1024)
                                 : fmt::format("{} vCPU / {} MiB", s.vcpu, s.memory_mb);
}

std::string users_range(const plan::SeedPhase& p) {
  return p.max_users < 0 ? fmt::format("{}+ users", p.min_users) : fmt::format("{}-{} users", p.min_users, p.max_users);
}

boost::json::object to_json(const plan::Estimate& e, const plan::Capacity& cap, const plan::Prices& prices) {
  boost::json::object seed{
      {"phase", e.seed->number},
      {"max_instances", e.seed->max_instances},
      {"vcpu", e.seed->shape.vcpu},
      {"memory_mb", e.seed->shape.memory_mb},
      {"infrastructure_usd_month", e.seed->infrastructure_usd},
      {"total_budget_usd_month", e.seed->infrastructure_usd + e.seed->support_usd + e.seed->tools_usd}};
  return {{"users", e.users},
          {"capacity",
           {{"users_per_core", cap.users_per_core},
            {"base_rss_mb", cap.base_rss_mb},
            {"rss_kb_per_user", cap.rss_kb_per_user},
            {"source", cap.source}}},
          {"prices", {{"vcpu_second_usd", prices.vcpu_second}, {"gib_second_usd", prices.gib_second}}},
          {"vcpu", e.shape.vcpu},
          {"memory_mb", e.shape.memory_mb},
          {"users_per_instance", e.users_per_instance},
          {"limited_by", e.memory_bound ? "memory" : "cpu"},
          {"instances", e.instances},
          {"rss_mb_per_instance", e.rss_mb_per_instance},
          {"monthly_usd", e.monthly_usd},
          {"needs_cluster", e.needs_cluster},
          {"seed", std::move(seed)}};
}

}  // namespace

int run_plan(const PlanOptions& opts) {
  if (opts.users <= 0) {
    std::fprintf(stderr, "headroom: plan: USERS must be a positive number\n");
    return 2;
  }
  if ((opts.vcpu > 0) != (opts.memory_mb > 0)) {
    std::fprintf(stderr, "headroom: plan: give --vcpu and --memory-mb together (or neither)\n");
    return 2;
  }
  plan::Capacity cap;
  cap.source = "built-in (docs/benchmarks.md user model)";
  if (!opts.bench_file.empty()) {
    std::ifstream in(opts.bench_file);
    if (!in) {
      std::fprintf(stderr, "headroom: plan: cannot read %s\n", opts.bench_file.c_str());
      return 1;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto measured = plan::capacity_from_bench_json(text.str(), opts.bench_file);
    if (!measured) {
      std::fprintf(stderr, "headroom: plan: %s\n", measured.status().message().c_str());
      return 1;
    }
    cap = *measured;
  }
  plan::Prices prices;
  if (opts.price_vcpu_second >= 0) prices.vcpu_second = opts.price_vcpu_second;
  if (opts.price_gib_second >= 0) prices.gib_second = opts.price_gib_second;
  std::optional<plan::Shape> shape;
  if (opts.vcpu > 0) shape = plan::Shape{opts.vcpu, opts.memory_mb};

  const auto e = plan::estimate(opts.users, cap, prices, shape);
  if (opts.json) {
    std::printf("%s\n", boost::json::serialize(to_json(e, cap, prices)).c_str());
    return 0;
  }
  const auto& seed = *e.seed;
  std::string out;
  out += fmt::format("Plan for {} users\n", e.users);
  out += fmt::format("  capacity: {:.0f} users per core, {:.0f} MB + {:.1f} KB per user ({})\n", cap.users_per_core,
                     cap.base_rss_mb, cap.rss_kb_per_user, cap.source);
  out += fmt::format(
      "  seed plan, phase {} ({}): up to {} instances of {}; budget ${:.0f}/month infrastructure, "
      "${:.0f}/month in all\n",
      seed.number, users_range(seed), seed.max_instances, shape_text(seed.shape), seed.infrastructure_usd,
      seed.infrastructure_usd + seed.support_usd + seed.tools_usd);
  if (e.instances == 0) {
    out += fmt::format("  headroom: an instance of {} cannot hold a single user at 80 % of its memory\n",
                       shape_text(e.shape));
    std::fputs(out.c_str(), stdout);
    return 1;
  }
  out += fmt::format(
      "  headroom: {} instance{} of {} (each holds {} users below the seed's 80 % {} trigger; "
      "~{:.0f} MB resident each)\n",
      e.instances, e.instances == 1 ? "" : "s", shape_text(e.shape), e.users_per_instance,
      e.memory_bound ? "memory" : "CPU", e.rss_mb_per_instance);
  out += fmt::format(
      "  cost: ${:.2f}/month (${:.7f}/vCPU-s, ${:.7f}/GiB-s, 730 h), {:.0f} % of the seed's infrastructure "
      "budget\n",
      e.monthly_usd, prices.vcpu_second, prices.gib_second, 100 * e.monthly_usd / seed.infrastructure_usd);
  if (e.needs_cluster) {
    out +=
        "  note: more than one instance needs the cluster mode (shared Redis + PostgreSQL, DESIGN.md §5), "
        "which is not built yet; one instance of a larger shape (--vcpu, --memory-mb) may fit instead\n";
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace headroom::app
