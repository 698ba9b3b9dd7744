#include "observe/hyperloglog.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace headroom::observe {

uint64_t HyperLogLog::hash(std::string_view key) {
  // FNV-1a, then the splitmix64 finaliser so that every bit depends on every input byte.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

std::pair<size_t, uint8_t> HyperLogLog::place(uint64_t h) {
  const size_t index = h >> (64 - kBits);
  const uint64_t rest = h << kBits;
  return {index, static_cast<uint8_t>(rest == 0 ? 64 - kBits + 1 : std::countl_zero(rest) + 1)};
}

void HyperLogLog::add_hash(uint64_t h) {
  auto [index, rank] = place(h);
  registers_[index] = std::max(registers_[index], rank);
}

void HyperLogLog::merge(const HyperLogLog& other) {
  for (size_t i = 0; i < kRegisters; ++i) registers_[i] = std::max(registers_[i], other.registers_[i]);
}

double HyperLogLog::estimate(const std::array<uint8_t, kRegisters>& registers) {
  const double m = static_cast<double>(kRegisters);
  double sum = 0;
  int zeros = 0;
  for (uint8_t r : registers) {
    sum += std::ldexp(1.0, -r);
    if (r == 0) ++zeros;
  }
  const double alpha = 0.7213 / (1 + 1.079 / m);
  const double raw = alpha * m * m / sum;
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / zeros);  // linear counting
  return raw;
}

}  // namespace headroom::observe
