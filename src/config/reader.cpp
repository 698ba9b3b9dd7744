#include "config/reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "config/loader.hpp"
#include "core/utf8.hpp"

namespace headroom::config {

namespace {
std::string describe(const toml::node& n) {
  if (auto s = n.as_string()) return "\"" + s->get() + "\"";
  if (auto i = n.as_integer()) return std::to_string(i->get());
  if (auto f = n.as_floating_point()) return fmt::format("{}", f->get());
  if (auto b = n.as_boolean()) return b->get() ? "true" : "false";
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  return "a value";
}
std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
}  // namespace

const toml::table& Reader::section(const std::string& name) {
  if (auto* t = root_[name].as_table()) return *t;
  if (root_.contains(name)) error(fmt::format("{}: expected a table ([{}])", name, name));
  return empty_;
}

void Reader::get(const toml::table& t, const std::string& path, const std::string& key, int64_t& out, int64_t min,
                 int64_t max) {
  std::string full = join(path, key);
  const toml::node* n = t.get(key);
  if (!n) return;
  int64_t v = 0;
  if (auto i = n->as_integer()) {
    v = i->get();
  } else if (auto s = n->as_string()) {
    const std::string& text = s->get();
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) {
      error(fmt::format("{} = {}: expected an integer between {} and {}", full, describe(*n), min, max));
      return;
    }
  } else {
    error(fmt::format("{} = {}: expected an integer between {} and {}", full, describe(*n), min, max));
    return;
  }
  if (v < min || v > max) {
    error(fmt::format("{} = {}: must be between {} and {}", full, v, min, max));
    return;
  }
  out = v;
}

void Reader::get(const toml::table& t, const std::string& path, const std::string& key, int& out, int64_t min,
                 int64_t max) {
  int64_t v = out;
  get(t, path, key, v, min, max);
  out = static_cast<int>(v);
}

void Reader::get(const toml::table& t, const std::string& path, const std::string& key, double& out, double min,
                 double max) {
  std::string full = join(path, key);
  const toml::node* n = t.get(key);
  if (!n) return;
  double v = 0;
  if (auto f = n->as_floating_point()) {
    v = f->get();
  } else if (auto i = n->as_integer()) {
    v = static_cast<double>(i->get());
  } else if (auto s = n->as_string()) {
    // The same strict reading as integers: no leading blanks or '+', nothing after the number.
    const std::string& text = s->get();
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) {
      error(fmt::format("{} = {}: expected a number between {} and {}", full, describe(*n), min, max));
      return;
    }
  } else {
    error(fmt::format("{} = {}: expected a number between {} and {}", full, describe(*n), min, max));
    return;
  }
  // NaN compares false with everything, so it would pass the range check: refuse it (and ±inf).
  if (!std::isfinite(v) || v < min || v > max) {
    error(fmt::format("{} = {}: must be between {} and {}", full, v, min, max));
    return;
  }
  out = v;
}

void Reader::get(const toml::table& t, const std::string& path, const std::string& key, bool& out) {
  std::string full = join(path, key);
  const toml::node* n = t.get(key);
  if (!n) return;
  if (auto b = n->as_boolean()) {
    out = b->get();
    return;
  }
  if (auto s = n->as_string()) {
    if (s->get() == "true" || s->get() == "1") {
      out = true;
      return;
    }
    if (s->get() == "false" || s->get() == "0") {
      out = false;
      return;
    }
  }
  error(fmt::format("{} = {}: expected true or false", full, describe(*n)));
}

void Reader::get(const toml::table& t, const std::string& path, const std::string& key, std::string& out,
                 const std::vector<std::string>& allowed) {
  std::string full = join(path, key);
  const toml::node* n = t.get(key);
  if (!n) return;
  auto s = n->as_string();
  if (!s) {
    error(fmt::format("{} = {}: expected a string", full, describe(*n)));
    return;
  }
  if (!is_valid_utf8(s->get())) {
    error(fmt::format("{}: not valid UTF-8 (config text must be UTF-8)", full));
    return;
  }
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), s->get()) == allowed.end()) {
    error(fmt::format("{} = \"{}\": must be one of {}", full, s->get(), fmt::join(allowed, ", ")));
    return;
  }
  out = s->get();
}

void Reader::get(const toml::table& t, const std::string& path, const std::string& key, std::vector<std::string>& out) {
  std::string full = join(path, key);
  const toml::node* n = t.get(key);
  if (!n) return;
  if (auto s = n->as_string()) {  // from the environment: comma-separated
    if (!is_valid_utf8(s->get())) {
      error(fmt::format("{}: not valid UTF-8 (config text must be UTF-8)", full));
      return;
    }
    out.clear();
    std::string item;
    std::istringstream in(s->get());
    while (std::getline(in, item, ',')) {
      if (!item.empty()) out.push_back(item);
    }
    return;
  }
  auto arr = n->as_array();
  if (!arr) {
    error(fmt::format("{} = {}: expected an array of strings", full, describe(*n)));
    return;
  }
  out.clear();
  for (const auto& item : *arr) {
    if (auto s = item.as_string(); s && !is_valid_utf8(s->get())) {
      error(fmt::format("{}: not valid UTF-8 (config text must be UTF-8)", full));
    } else if (s) {
      out.push_back(s->get());
    } else {
      error(fmt::format("{}: expected an array of strings, found {}", full, describe(item)));
    }
  }
}

void Reader::throw_if_errors() const {
  if (errors_.empty()) return;
  throw ConfigError(fmt::format("{}", fmt::join(errors_, "; ")));
}

}  // namespace headroom::config
