#include "http/message.hpp"

#include "core/log.hpp"

namespace headroom::http {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

std::string_view tier_name(Tier t) {
  switch (t) {
    case Tier::kAnonymous:
      return "anonymous";
    case Tier::kAuthenticated:
      return "authenticated";
    case Tier::kVip:
      return "vip";
    case Tier::kServer:
      return "server";
  }
  return "anonymous";
}

std::string_view Request::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return {};
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

namespace {
// Calls fn(key, value) for each raw pair of the query string until fn returns true.
template <typename Fn>
bool for_each_query_pair(std::string_view query, Fn&& fn) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (fn(key, value)) return true;
  }
  return false;
}
}  // namespace

std::string Request::query_param(std::string_view name) const {
  std::string out;
  for_each_query_pair(query, [&](std::string_view k, std::string_view v) {
    if (percent_decode(k, true) != name) return false;
    out = percent_decode(v, true);
    return true;
  });
  return out;
}

bool Request::has_query_param(std::string_view name) const {
  return for_each_query_pair(query,
                             [&](std::string_view k, std::string_view) { return percent_decode(k, true) == name; });
}

Response& Response::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (k == name) {
      v = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response json_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response error_response(const Status& status) {
  std::string body = R"({"error":{"code":")";
  body += code_name(status.code());
  body += R"(","message":")";
  body += log::json_escape(status.message());
  body += R"(","details":)";
  body += status.details_json().empty() ? "{}" : status.details_json();
  body += "}}";
  return json_response(http_status(status.code()), std::move(body));
}

Response error_response(Code code, std::string_view message) {
  return error_response(Status(code, std::string(message)));
}

std::string percent_decode(std::string_view in, bool plus_as_space) {
  if (in.find('%') == std::string_view::npos && (!plus_as_space || in.find('+') == std::string_view::npos)) {
    return std::string(in);
  }
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      int hi = i + 1 < in.size() ? hex(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? hex(in[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_as_space && c == '+') ? ' ' : c;
  }
  return out;
}

}  // namespace headroom::http
