#include "http/router.hpp"

namespace headroom::http {

namespace {
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

bool is_capture(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

bool segments_match(const Router::Route& route, const std::vector<std::string_view>& parts,
                    std::vector<std::pair<std::string, std::string>>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (is_capture(seg)) {
      if (params) params->emplace_back(seg.substr(1, seg.size() - 2), percent_decode(parts[i]));
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}
}  // namespace

void Router::add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  Route route{method, {}, std::move(handler), std::move(options)};
  for (auto seg : split_path(pattern)) route.segments.emplace_back(seg);
  if (route.options.label.empty()) route.options.label = std::string(pattern);
  routes_.push_back(std::move(route));
}

Router::Match Router::match(Request& req) const {
  // Matching runs on the raw (still percent-encoded) target path so that an encoded '/' inside a
  // capture stays inside it.
  std::string_view raw = req.target;
  raw = raw.substr(0, raw.find('?'));
  auto parts = split_path(raw);
  Match result;
  const Route* get_fallback = nullptr;
  for (const auto& route : routes_) {
    if (!segments_match(route, parts, nullptr)) continue;
    result.path_matched = true;
    if (route.method == req.method) {
      result.route = &route;
      break;
    }
    if (req.method == Method::kHead && route.method == Method::kGet && !get_fallback) get_fallback = &route;
  }
  if (!result.route) result.route = get_fallback;
  if (result.route) {
    req.params.clear();
    segments_match(*result.route, parts, &req.params);
  }
  return result;
}

}  // namespace headroom::http
