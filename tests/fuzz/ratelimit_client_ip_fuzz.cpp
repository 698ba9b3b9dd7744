// libFuzzer target for the trusted-proxy list parser (IP / CIDR entries) and the X-Forwarded-For
// walk (src/ratelimit/client_ip.hpp). Input: proxy entries separated by ',' then '\n' then a header.
// Invariants: with no trusted proxy the header is ignored; the result is one of the header's hops
// or the peer address.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ratelimit/client_ip.hpp"

using namespace headroom;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  std::string_view entries_text = text.substr(0, nl);
  std::string_view header = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  std::vector<std::string> entries;
  for (size_t start = 0; start <= entries_text.size();) {
    size_t comma = entries_text.find(',', start);
    if (comma == std::string_view::npos) comma = entries_text.size();
    entries.emplace_back(entries_text.substr(start, comma - start));
    start = comma + 1;
  }
  ratelimit::IpMatcher trusted(entries);
  ratelimit::IpMatcher none(std::vector<std::string>{});
  for (std::string_view peer : {"10.0.0.1", "::1", "192.168.1.7"}) {
    (void)trusted.matches(peer);
    if (ratelimit::client_ip(peer, header, none) != peer) std::abort();
    std::string ip = ratelimit::client_ip(peer, header, trusted);
    if (ip != peer && header.find(ip) == std::string_view::npos) std::abort();
  }
  (void)trusted.matches(header);
  return 0;
}
