// Limiter throughput: decisions/s on one thread and contended on two, and the cost of the request
// filter with limits on vs off (same request, one run).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "ratelimit/module.hpp"

namespace headroom::ratelimit {
namespace {

std::vector<std::string> keys(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back("ip:10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  return out;
}

void BM_DecideDistinctKeys(benchmark::State& state) {
  static MemoryLimiterStore store(100000);
  static const auto ks = keys(10000);
  const auto limit = GcraLimit::per_minute(1000000, 1000000);
  size_t i = static_cast<size_t>(state.thread_index()) * 7919;
  int64_t now = 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.consume(ks[i++ % ks.size()], limit, 1, now++));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideDistinctKeys)->Threads(1)->Threads(2)->UseRealTime();

void BM_DecideOneHotKey(benchmark::State& state) {
  static MemoryLimiterStore store(100000);
  const auto limit = GcraLimit::per_minute(1000000, 1000000);
  int64_t now = 1;
  for (auto _ : state) benchmark::DoNotOptimize(store.consume("ip:hot", limit, 1, now++));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideOneHotKey)->Threads(1)->Threads(2)->UseRealTime();

void BM_Filter(benchmark::State& state) {
  config::Config config;
  config.rate_limits.enabled = state.range(0) != 0;
  config.rate_limits.anonymous_per_minute = 100000000;
  config.rate_limits.anonymous_burst = 100000000;
  metrics::Registry metrics;
  SystemClock& clock = SystemClock::instance();
  RateLimitModule module(config, metrics, clock);
  http::Request req;
  req.method = http::Method::kGet;
  req.path = "/v1/apps/app1/collections/users/docs/u1";
  req.remote_ip = "203.0.113.7";
  for (auto _ : state) {
    req.response_headers.clear();
    benchmark::DoNotOptimize(module.filter(req));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(config.rate_limits.enabled ? "limits on" : "limits off");
}
BENCHMARK(BM_Filter)->Arg(0)->Arg(1);

}  // namespace
}  // namespace headroom::ratelimit

BENCHMARK_MAIN();
