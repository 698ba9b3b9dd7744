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

void RequestParser::on_request_impl(bhttp::verb method, string_view, string_view target, int, error_code&) {
  req_.method = to_method(method);
  req_.target.assign(target.data(), target.size());
}

void RequestParser::on_field_impl(bhttp::field, string_view name, string_view value, error_code&) {
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

}  // namespace headroom::server
