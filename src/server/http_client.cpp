// URL parsing for the outgoing HTTP client; no Asio here, so tests and callers stay cheap to build.
#include "server/http_client.hpp"

#include <algorithm>
#include <cctype>

namespace headroom::server {

namespace {

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_char(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.'; }

Status bad_url(std::string_view what) { return invalid_argument("webhook URL " + std::string(what)); }

// "9000" → true; digits only, 1..65535.
bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  const int n = std::stoi(std::string(port));
  return n >= 1 && n <= 65535;
}

// Splits the authority into host and port (port empty when absent).
Status split_authority(std::string_view authority, std::string* host, std::string* port) {
  if (authority.find('@') != std::string_view::npos) return bad_url("must not contain user info (user@host)");
  std::string_view rest;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url("has an unclosed IPv6 bracket");
    *host = std::string(authority.substr(1, close - 1));
    if (host->empty() || !std::all_of(host->begin(), host->end(), is_ipv6_char)) {
      return bad_url("has an invalid IPv6 address");
    }
    rest = authority.substr(close + 1);
  } else {
    const auto colon = authority.find(':');
    *host = std::string(authority.substr(0, colon));
    if (host->empty()) return bad_url("has no host");
    if (!std::all_of(host->begin(), host->end(), is_host_char)) return bad_url("has an invalid host name");
    rest = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
  }
  if (rest.empty()) return Status::ok();
  if (rest.front() != ':' || !valid_port(rest.substr(1))) return bad_url("has an invalid port (1..65535)");
  *port = std::string(rest.substr(1));
  return Status::ok();
}

}  // namespace

std::string ParsedUrl::host_header() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? out : out + ":" + port;
}

Result<ParsedUrl> parse_url(std::string_view url) {
  if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    return bad_url("must not contain spaces or control characters");
  }
  const auto sep = url.find("://");
  std::string scheme(url.substr(0, sep == std::string_view::npos ? 0 : sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != "http" && scheme != "https") return bad_url("must start with http:// or https://");
  ParsedUrl out;
  out.tls = scheme == "https";
  const std::string_view rest = url.substr(sep + 3);
  const auto end = rest.find_first_of("/?#");
  Status s = split_authority(rest.substr(0, end), &out.host, &out.port);
  if (!s) return s;
  out.default_port = out.port.empty() || out.port == (out.tls ? "443" : "80");
  if (out.port.empty()) out.port = out.tls ? "443" : "80";
  std::string_view target = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  target = target.substr(0, target.find('#'));
  out.target = target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
  return out;
}

}  // namespace headroom::server
