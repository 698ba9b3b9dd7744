#pragma once
// Who is calling, as far as the anonymous tier's key goes: the peer address, or the client named in
// X-Forwarded-For when (and only when) the peer is a configured trusted proxy.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::ratelimit {

// Matches addresses against a list of IPs and CIDR ranges ("10.0.0.1", "10.0.0.0/8", "::1", "fd00::/8").
class IpMatcher {
 public:
  explicit IpMatcher(const std::vector<std::string>& entries);  // invalid entries are ignored
  bool matches(std::string_view ip) const;
  bool empty() const { return ranges_.empty(); }

 private:
  struct Range {
    std::array<uint8_t, 16> addr{};
    int family = 0;  // 4 or 6
    int prefix = 0;
  };
  std::vector<Range> ranges_;
};

// The client address for rate limiting. X-Forwarded-For is read right to left, skipping trusted
// proxies; the first untrusted hop is the client. Without a trusted peer the header is ignored.
std::string client_ip(std::string_view remote_ip, std::string_view forwarded_for, const IpMatcher& trusted);

}  // namespace headroom::ratelimit
