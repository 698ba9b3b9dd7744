// Fuzzes the outgoing client's URL parser (webhook and alert URLs): any text parses or returns an
// error, never crashes; a parsed URL has a host and port that cannot inject header lines, a
// target starting with '/', and rebuilding it from its parts parses to the same parts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/http_client.hpp"

namespace {

bool clean(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto u = headroom::server::parse_url(text);
  if (!u) return 0;
  const int port = std::atoi(u->port.c_str());
  if (u->host.empty() || port < 1 || port > 65535 || u->target.empty() || u->target.front() != '/') std::abort();
  if (!clean(u->host) || !clean(u->target) || !clean(u->host_header())) std::abort();
  const std::string rebuilt = std::string(u->tls ? "https://" : "http://") + u->host_header() + u->target;
  auto again = headroom::server::parse_url(rebuilt);
  if (!again || again->tls != u->tls || again->host != u->host || again->port != u->port ||
      again->target != u->target || again->default_port != u->default_port) {
    std::abort();
  }
  return 0;
}
