#include "http/router.hpp"

#include <algorithm>
#include <cstring>

namespace headroom::http {

namespace {
// Splits into `out` (cleared first), skipping empty segments.
void split_path(std::string_view path, std::vector<std::string_view>& out) {
  out.clear();
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
}

bool is_capture(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

// parts.size() == route.segments.size() (routes are bucketed by segment count).
// Compared from the last segment: leading ones ("v1", "apps") are shared by most routes.
bool literals_match(const Router::Route& route, const std::vector<std::string_view>& parts) {
  for (size_t i = parts.size(); i-- > 0;) {
    const std::string& seg = route.segments[i];
    const std::string_view part = parts[i];
    if (is_capture(seg)) continue;
    if (seg.size() != part.size() || std::memcmp(seg.data(), part.data(), part.size()) != 0) return false;
  }
  return true;
}

// Fills params in place (the strings keep their capacity across requests on one connection).
void fill_params(const Router::Route& route, const std::vector<std::string_view>& parts,
                 std::vector<std::pair<std::string, std::string>>& params) {
  size_t n = 0;
  for (const auto& seg : route.segments) n += is_capture(seg) ? 1 : 0;
  params.resize(n);
  size_t k = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (!is_capture(seg)) continue;
    auto& [name, value] = params[k++];
    const std::string_view wanted = std::string_view(seg).substr(1, seg.size() - 2);
    if (name != wanted) name.assign(wanted);
    if (parts[i].find('%') == std::string_view::npos) {
      if (value != parts[i]) value.assign(parts[i]);
    } else {
      value = percent_decode(parts[i]);
    }
  }
}
}  // namespace

void Router::add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  Route route{method, {}, std::move(handler), std::move(options)};
  std::vector<std::string_view> parts;
  split_path(pattern, parts);
  for (auto seg : parts) route.segments.emplace_back(seg);
  if (route.options.label.empty()) route.options.label = std::string(pattern);
  if (by_count_.size() <= route.segments.size()) by_count_.resize(route.segments.size() + 1);
  by_count_[route.segments.size()].push_back(routes_.size());
  routes_.push_back(std::move(route));
}

Router::Match Router::match(Request& req) const {
  // Matching runs on the raw (still percent-encoded) target path so that an encoded '/' inside a
  // capture stays inside it. Only routes with as many segments as the path are tried, in the
  // order they were added.
  std::string_view raw = req.target;
  raw = raw.substr(0, raw.find('?'));
  thread_local std::vector<std::string_view> parts;
  split_path(raw, parts);
  Match result;
  if (parts.size() >= by_count_.size()) return result;
  const Route* get_fallback = nullptr;
  for (size_t index : by_count_[parts.size()]) {
    const Route& route = routes_[index];
    if (!literals_match(route, parts)) continue;
    result.path_matched = true;
    if (route.method == req.method) {
      result.route = &route;
      break;
    }
    if (req.method == Method::kHead && route.method == Method::kGet && !get_fallback) get_fallback = &route;
  }
  if (!result.route) result.route = get_fallback;
  if (result.route) fill_params(*result.route, parts, req.params);
  return result;
}

std::string Router::allowed_methods(std::string_view target) const {
  std::vector<std::string_view> parts;
  split_path(target.substr(0, target.find('?')), parts);
  std::vector<Method> methods;
  auto add = [&](Method m) {
    if (std::find(methods.begin(), methods.end(), m) == methods.end()) methods.push_back(m);
  };
  if (parts.size() < by_count_.size()) {
    for (size_t index : by_count_[parts.size()]) {
      const Route& route = routes_[index];
      if (!literals_match(route, parts)) continue;
      add(route.method);
      if (route.method == Method::kGet) add(Method::kHead);
    }
  }
  std::string out;
  for (Method m : methods) {
    if (!out.empty()) out += ", ";
    out += method_name(m);
  }
  return out;
}

}  // namespace headroom::http
