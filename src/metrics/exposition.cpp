#include "metrics/exposition.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace headroom::metrics {

namespace {
// Parses {a="x",b="y"} starting at text[i] == '{'; returns the index after '}'.
size_t parse_labels(std::string_view text, size_t i, Labels& out) {
  ++i;
  while (i < text.size() && text[i] != '}') {
    size_t eq = text.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') return std::string_view::npos;
    std::string name(text.substr(i, eq - i));
    std::string value;
    size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\\' && j + 1 < text.size()) {
        ++j;
        value += text[j] == 'n' ? '\n' : text[j];
      } else {
        value += text[j];
      }
    }
    out.emplace_back(std::move(name), std::move(value));
    i = j + 1;
    if (i < text.size() && text[i] == ',') ++i;
  }
  return i < text.size() ? i + 1 : std::string_view::npos;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

std::string_view label_value(const Labels& labels, std::string_view name) {
  for (const auto& [k, v] : labels) {
    if (k == name) return v;
  }
  return {};
}

LabelMatch label_is(std::string name, std::string value) {
  return [name = std::move(name), value = std::move(value)](const Labels& l) { return label_value(l, name) == value; };
}

LabelMatch label_prefix(std::string name, std::string prefix) {
  return [name = std::move(name), prefix = std::move(prefix)](const Labels& l) {
    return label_value(l, name).substr(0, prefix.size()) == prefix;
  };
}

MetricSnapshot MetricSnapshot::parse(std::string_view text) {
  MetricSnapshot snap;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t name_end = line.find_first_of("{ ");
    if (name_end == std::string_view::npos) continue;
    std::string_view name = line.substr(0, name_end);
    if (ends_with(name, "_bucket")) continue;
    Labels labels;
    size_t i = name_end;
    if (line[i] == '{') {
      i = parse_labels(line, i, labels);
      if (i == std::string_view::npos) continue;
    }
    std::string value(line.substr(std::min(i, line.size())));
    char* parsed_end = nullptr;
    double v = std::strtod(value.c_str(), &parsed_end);
    if (parsed_end == value.c_str()) continue;
    snap.series_[std::string(name)].emplace_back(std::move(labels), v);
  }
  return snap;
}

double MetricSnapshot::sum(const std::string& name, const LabelMatch& match) const {
  auto it = series_.find(name);
  if (it == series_.end()) return 0;
  double total = 0;
  for (const auto& [labels, v] : it->second) {
    if (!match || match(labels)) total += v;
  }
  return total;
}

double MetricSnapshot::max(const std::string& name, double fallback) const {
  auto it = series_.find(name);
  if (it == series_.end() || it->second.empty()) return fallback;
  double best = it->second.front().second;
  for (const auto& [labels, v] : it->second) best = std::max(best, v);
  return best;
}

const std::vector<std::pair<Labels, double>>* MetricSnapshot::family(const std::string& name) const {
  auto it = series_.find(name);
  return it == series_.end() ? nullptr : &it->second;
}

}  // namespace headroom::metrics
