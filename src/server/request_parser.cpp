#include "server/request_parser.hpp"

#include <fmt/format.h>

#include <boost/beast/http/error.hpp>
#include <cctype>

namespace headroom::server {

namespace bhttp = boost::beast::http;

http::Method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return http::Method::kGet;
    case bhttp::verb::head:
      return http::Method::kHead;
    case bhttp::verb::post:
      return http::Method::kPost;
    case bhttp::verb::put:
      return http::Method::kPut;
    case bhttp::verb::patch:
      return http::Method::kPatch;
    case bhttp::verb::delete_:
      return http::Method::kDelete;
    case bhttp::verb::options:
      return http::Method::kOptions;
    default:
      return http::Method::kOther;
  }
}

void RequestParser::on_request_impl(bhttp::verb method, string_view, string_view target, int version, error_code&) {
  version_ = version;
  host_fields_ = 0;
  req_.method = to_method(method);
  req_.target.assign(target.data(), target.size());
}

void RequestParser::on_field_impl(bhttp::field field, string_view name, string_view value, error_code&) {
  if (field == bhttp::field::host) {
    ++host_fields_;
    host_.assign(value.data(), value.size());
  }
  if (fields_ == req_.headers.size()) req_.headers.emplace_back();
  auto& [lower, val] = req_.headers[fields_++];
  lower.resize(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  }
  val.assign(value.data(), value.size());
}

void RequestParser::on_header_impl(error_code&) {
  // Drop the entries left over from a previous request (and a long list altogether).
  if (req_.headers.size() > fields_ + 16) req_.headers.shrink_to_fit();
  req_.headers.resize(fields_);
}

void RequestParser::on_body_init_impl(const boost::optional<uint64_t>& length, error_code&) {
  req_.body.clear();
  if (length) req_.body.reserve(static_cast<size_t>(*length));  // ≤ body_limit, checked by the parser
}

size_t RequestParser::on_body_impl(string_view body, error_code&) {
  req_.body.append(body.data(), body.size());
  return body.size();
}

size_t RequestParser::on_chunk_body_impl(uint64_t, string_view body, error_code&) {
  req_.body.append(body.data(), body.size());
  return body.size();
}

void split_target(http::Request& req) {
  auto q = req.target.find('?');
  std::string_view raw_path = std::string_view(req.target).substr(0, q);
  if (raw_path.find('%') == std::string_view::npos) {
    req.path.assign(raw_path);
  } else {
    req.path = http::percent_decode(raw_path);
  }
  if (q != std::string::npos) {
    req.query.assign(req.target, q + 1);
  } else {
    req.query.clear();
  }
}

Refusal refusal_for(boost::beast::error_code ec, bool in_body, int64_t max_body_bytes) {
  if (in_body) {
    if (ec == bhttp::error::body_limit) return {413, "body is larger than the limit"};
    return {400, fmt::format("malformed request body: {}", ec.message())};
  }
  if (ec == bhttp::error::header_limit) return {431, "request headers are larger than the limit"};
  if (ec == bhttp::error::body_limit) {
    return {413, fmt::format("body is larger than the limit of {} bytes", max_body_bytes)};
  }
  return {400, fmt::format("malformed request: {}", ec.message())};
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// reg-name = *( unreserved / pct-encoded / sub-delims ), which also covers IPv4 addresses.
bool valid_reg_name(std::string_view s) {
  static constexpr std::string_view kAllowed = "-._~!$&'()*+,;=";
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (std::isalnum(static_cast<unsigned char>(c)) || kAllowed.find(c) != std::string_view::npos) continue;
    if (c == '%' && i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

// IP-literal = "[" ( IPv6address / IPvFuture ) "]": hex digits, ':' and '.' (an embedded IPv4),
// or "v" HEX "." followed by unreserved / sub-delims / ':'. Shape, not a full address grammar.
bool valid_ip_literal(std::string_view inside) {
  if (inside.empty()) return false;
  if (inside[0] == 'v' || inside[0] == 'V') {
    auto dot = inside.find('.');
    if (dot == std::string_view::npos || dot < 2 || dot + 1 == inside.size()) return false;
    for (char c : inside.substr(1, dot - 1)) {
      if (!is_hex(c)) return false;
    }
    for (char c : inside.substr(dot + 1)) {
      if (c == '%' || (c != ':' && !valid_reg_name(std::string_view(&c, 1)))) return false;
    }
    return true;
  }
  for (char c : inside) {
    if (!is_hex(c) && c != ':' && c != '.') return false;
  }
  return inside.find(':') != std::string_view::npos;
}

}  // namespace

bool valid_host(std::string_view value) {
  std::string_view host = value;
  std::string_view port;
  if (host.starts_with('[')) {
    auto close = host.find(']');
    if (close == std::string_view::npos || !valid_ip_literal(host.substr(1, close - 1))) return false;
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return false;
    port = rest.empty() ? rest : rest.substr(1);
  } else {
    auto colon = host.find(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
    }
    if (!valid_reg_name(host)) return false;
  }
  for (char c : port) {
    if (!is_digit(c)) return false;
  }
  return port.size() <= 5;
}

std::optional<Refusal> refusal_for_header(const http::Request& req, const RequestParser& parser,
                                          const config::ServerConfig& limits) {
  if (req.target.size() > static_cast<size_t>(limits.max_request_line_bytes)) {
    return Refusal{414, "request target is longer than the limit"};
  }
  if (parser.host_fields() > 1) return Refusal{400, "more than one Host header"};
  if (parser.host_fields() == 1 && !valid_host(parser.host()))
    return Refusal{400, "the Host header is not a valid host"};
  if (parser.host_fields() == 0 && parser.version() >= 11)
    return Refusal{400, "an HTTP/1.1 request must carry a Host header"};
  auto length = parser.content_length();
  if (length && *length > static_cast<uint64_t>(limits.max_body_bytes)) {
    return Refusal{
        413, fmt::format("body of {} bytes is larger than the limit of {} bytes", *length, limits.max_body_bytes)};
  }
  return std::nullopt;
}

}  // namespace headroom::server
