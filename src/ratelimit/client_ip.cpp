#include "ratelimit/client_ip.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace headroom::ratelimit {

namespace {

// Parses an IPv4 or IPv6 address into 16 bytes; returns 4, 6 or 0 (invalid).
int parse_ip(std::string_view text, std::array<uint8_t, 16>& out) {
  std::string s(text);
  out.fill(0);
  if (inet_pton(AF_INET, s.c_str(), out.data()) == 1) return 4;
  if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) return 6;
  return 0;
}

bool prefix_equal(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  const int bytes = bits / 8;
  if (std::memcmp(a.data(), b.data(), bytes) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (a[bytes] & mask) == (b[bytes] & mask);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

IpMatcher::IpMatcher(const std::vector<std::string>& entries) {
  for (const auto& e : entries) {
    std::string_view text = e;
    Range r;
    const auto slash = text.find('/');
    r.family = parse_ip(text.substr(0, slash), r.addr);
    if (r.family == 0) continue;
    r.prefix = r.family == 4 ? 32 : 128;
    if (slash != std::string_view::npos) {
      auto bits = text.substr(slash + 1);
      int p = -1;
      auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), p);
      if (ec != std::errc() || ptr != bits.data() + bits.size() || p < 0 || p > r.prefix) continue;
      r.prefix = p;
    }
    ranges_.push_back(r);
  }
}

bool IpMatcher::matches(std::string_view ip) const {
  std::array<uint8_t, 16> addr{};
  const int family = parse_ip(ip, addr);
  if (family == 0) return false;
  for (const auto& r : ranges_) {
    if (r.family == family && prefix_equal(r.addr, addr, r.prefix)) return true;
  }
  return false;
}

std::string client_ip(std::string_view remote_ip, std::string_view forwarded_for, const IpMatcher& trusted) {
  if (forwarded_for.empty() || trusted.empty() || !trusted.matches(remote_ip)) return std::string(remote_ip);
  std::string_view rest = forwarded_for;
  std::string_view hop;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    hop = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (!hop.empty() && !trusted.matches(hop)) return std::string(hop);
  }
  return hop.empty() ? std::string(remote_ip) : std::string(hop);  // every hop trusted: the leftmost
}

}  // namespace headroom::ratelimit
