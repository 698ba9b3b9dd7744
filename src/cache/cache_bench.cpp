// Cache benchmarks: hit ratio of this cache (W-TinyLFU) vs a plain LRU at the same byte budget on
// a Zipf(0.99) workload with a scan mixed in (one run, reported as counters), and gets/s on one
// and two threads.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <list>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "cache/byte_cache.hpp"

namespace headroom::cache {
namespace {

constexpr int kKeys = 100000;
constexpr int kValueBytes = 512;
constexpr int64_t kBudget = 8LL << 20;  // ~10 % of the key space's bytes

// A plain byte-bounded LRU: the baseline.
class PlainLru {
 public:
  explicit PlainLru(int64_t budget) : budget_(budget) {}
  bool get(const std::string& k) {
    auto it = index_.find(k);
    if (it == index_.end()) return false;
    order_.splice(order_.begin(), order_, it->second);
    return true;
  }
  void put(const std::string& k, int64_t charge) {
    order_.emplace_front(k, charge);
    index_[k] = order_.begin();
    bytes_ += charge;
    while (bytes_ > budget_) {
      bytes_ -= order_.back().second;
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  int64_t budget_, bytes_ = 0;
  std::list<std::pair<std::string, int64_t>> order_;
  std::unordered_map<std::string, std::list<std::pair<std::string, int64_t>>::iterator> index_;
};

class Zipf {
 public:
  Zipf(int n, double s) : cdf_(static_cast<size_t>(n)) {
    double sum = 0;
    for (int i = 0; i < n; ++i) cdf_[static_cast<size_t>(i)] = sum += 1.0 / std::pow(i + 1, s);
    for (auto& c : cdf_) c /= sum;
  }
  int operator()(std::mt19937_64& rng) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<int>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

// 1M accesses: 80 % Zipf(0.99) over 100k keys, 20 % a sequential scan of keys never seen again.
std::vector<std::string> workload() {
  std::mt19937_64 rng(7);
  Zipf zipf(kKeys, 0.99);
  std::vector<std::string> out;
  int scan = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    if (i % 5 == 4) {
      out.push_back("scan" + std::to_string(scan++));
    } else {
      out.push_back("key" + std::to_string(zipf(rng)));
    }
  }
  return out;
}

void BM_HitRatioZipfWithScan(benchmark::State& state) {
  static const auto trace = workload();
  const auto value = std::make_shared<const std::string>(kValueBytes, 'v');
  double tinylfu_ratio = 0, lru_ratio = 0;
  for (auto _ : state) {
    FakeClock clock;
    CacheOptions o;
    o.max_bytes = kBudget;
    o.expected_entry_bytes = kValueBytes;
    ByteCache cache(clock, o);
    PlainLru lru(kBudget);
    uint64_t hits = 0, lru_hits = 0, zipf_total = 0;
    for (const auto& k : trace) {
      const bool zipf = k[0] == 'k';
      const bool hit = cache.get(k) != nullptr;
      if (!hit) (void)cache.fill(k, {}, cache.begin_read(), value);
      const bool lhit = lru.get(k);
      if (!lhit) lru.put(k, static_cast<int64_t>(k.size() + kValueBytes) + ByteCache::kEntryOverhead);
      if (zipf) {
        ++zipf_total;
        hits += hit;
        lru_hits += lhit;
      }
    }
    tinylfu_ratio = double(hits) / double(zipf_total);
    lru_ratio = double(lru_hits) / double(zipf_total);
  }
  state.counters["hit_ratio_tinylfu"] = tinylfu_ratio;
  state.counters["hit_ratio_lru"] = lru_ratio;
}
BENCHMARK(BM_HitRatioZipfWithScan)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_Get(benchmark::State& state) {
  static FakeClock clock;
  static ByteCache* cache = [] {
    CacheOptions o;
    o.max_bytes = 64LL << 20;
    auto* c = new ByteCache(clock, o);
    const auto value = std::make_shared<const std::string>(kValueBytes, 'v');
    for (int i = 0; i < 50000; ++i) {
      const std::string k = "key" + std::to_string(i);
      (void)c->get(k);
      (void)c->get(k);
      (void)c->fill(k, {}, c->begin_read(), value);
    }
    return c;
  }();
  std::vector<std::string> keys;
  std::mt19937_64 rng(static_cast<uint64_t>(state.thread_index()) + 1);
  Zipf zipf(50000, 0.99);
  for (int i = 0; i < 100000; ++i) keys.push_back("key" + std::to_string(zipf(rng)));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(cache->get(keys[i++ % keys.size()]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Get)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace headroom::cache

BENCHMARK_MAIN();
