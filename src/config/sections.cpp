// Reads every section, array of tables and app from the declarations in schema.cpp: each key with
// its allowed values, each check, and every key the declarations do not name refused as unknown.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <regex>
#include <set>

#include "config/reader.hpp"
#include "config/schema.hpp"

namespace headroom::config {

namespace {

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

// "apps[0].webhooks" → "apps.webhooks": how the user writes the table header.
std::string header_of(const std::string& path) { return std::regex_replace(path, std::regex(R"(\[\d+\])"), ""); }

void read_value(Reader& r, const toml::table& t, const std::string& path, const char* name, const Allowed& allowed,
                int& out) {
  const auto& range = std::get<IntRange>(allowed);  // config_test: every integer key has a range
  r.get(t, path, name, out, range.min, range.max);
}
void read_value(Reader& r, const toml::table& t, const std::string& path, const char* name, const Allowed& allowed,
                int64_t& out) {
  const auto& range = std::get<IntRange>(allowed);
  r.get(t, path, name, out, range.min, range.max);
}
void read_value(Reader& r, const toml::table& t, const std::string& path, const char* name, const Allowed& allowed,
                double& out) {
  const auto& range = std::get<RealRange>(allowed);
  r.get(t, path, name, out, range.min, range.max);
}
void read_value(Reader& r, const toml::table& t, const std::string& path, const char* name, const Allowed&, bool& out) {
  r.get(t, path, name, out);
}
void read_value(Reader& r, const toml::table& t, const std::string& path, const char* name, const Allowed& allowed,
                std::string& out) {
  const auto* one_of = std::get_if<OneOf>(&allowed);
  r.get(t, path, name, out, one_of ? one_of->values : std::vector<std::string>{});
}
void read_value(Reader& r, const toml::table& t, const std::string& path, const char* name, const Allowed&,
                std::vector<std::string>& out) {
  r.get(t, path, name, out);
}

template <class S>
std::string shown_value(const Key<S>& key, const S& s) {
  if (key.shown == Shown::kSecret) return "<redacted>";
  return std::visit(
      [&](auto member) -> std::string {
        const auto& v = s.*member;
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return fmt::format("\"{}\"", v);
        } else {
          return fmt::format("{}", v);
        }
      },
      key.field);
}

template <class S>
void read_key(Reader& r, const toml::table& t, const std::string& path, const Key<S>& key, S& out) {
  const toml::node* n = t.get(key.name);
  if (key.shown == Shown::kSecret && n && !n->is_string()) {  // the Reader would show the value
    r.error(fmt::format("{} = <redacted>: expected a string", join(path, key.name)));
    return;
  }
  std::visit([&](auto member) { read_value(r, t, path, key.name, key.allowed, out.*member); }, key.field);
}

// Reads the keys of one table into `out`, then runs their checks (which see defaults too).
template <class S>
void read_keys(Reader& r, const toml::table& t, const std::string& path, const std::vector<Key<S>>& keys, S& out) {
  for (const auto& key : keys) read_key(r, t, path, key, out);
  for (const auto& key : keys) {
    if (!key.check) continue;
    if (std::string problem = key.check(out); !problem.empty()) {
      r.error(fmt::format("{} = {}: {}", join(path, key.name), shown_value(key, out), problem));
    }
  }
}

template <class S>
void reject_unknown(Reader& r, const toml::table& t, const std::string& path, const std::vector<Key<S>>& keys,
                    const std::vector<std::string_view>& nested) {
  for (const auto& [k, v] : t) {
    const std::string_view name = k.str();
    bool known = std::any_of(keys.begin(), keys.end(), [&](const auto& key) { return name == key.name; }) ||
                 std::find(nested.begin(), nested.end(), name) != nested.end();
    if (!known) r.error(fmt::format("{}: unknown key", join(path, name)));
  }
}

// "expected a table with prefix, size, ttl_s": the keys are named when there are few enough to read.
template <class S>
std::string expected_table(const std::vector<Key<S>>& keys) {
  if (keys.size() > 4) return "expected a table";
  std::vector<std::string_view> names;
  for (const auto& key : keys) names.push_back(key.name);
  return fmt::format("expected a table with {}", fmt::join(names, ", "));
}

// Each element of [[path]] read into a new E, which `read_nested` completes (its own tables),
// then appended to out.*array.member.
template <class Owner, class E, class ReadNested>
void read_array(Reader& r, const toml::table& owner, const std::string& owner_path, const TableArray<Owner, E>& array,
                Owner& out, ReadNested&& read_nested) {
  const std::string path = join(owner_path, array.name);
  const toml::node* node = owner.get(array.name);
  if (!node) return;
  const auto* items = node->as_array();
  if (!items) {
    r.error(fmt::format("{}: expected an array of tables ([[{}]])", path, header_of(path)));
    return;
  }
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string item_path = fmt::format("{}[{}]", path, i);
    const auto* t = items->get_as<toml::table>(i);
    if (!t) {
      r.error(fmt::format("{}: {}", item_path, expected_table(array.keys)));
      continue;
    }
    reject_unknown(r, *t, item_path, array.keys, array.nested);
    E item;
    read_keys(r, *t, item_path, array.keys, item);
    read_nested(*t, item_path, item);
    (out.*array.member).push_back(std::move(item));
  }
}

constexpr auto no_nested_tables = [](const toml::table&, const std::string&, auto&) {};

template <class Owner, class E>
void read_map(Reader& r, const toml::table& owner, const std::string& owner_path, const TableMap<Owner, E>& map,
              Owner& out) {
  const std::string path = join(owner_path, map.name);
  const toml::node* node = owner.get(map.name);
  if (!node) return;
  const auto* entries = node->as_table();
  if (!entries) {
    r.error(fmt::format("{}: expected a table of tables ([{}.NAME])", path, header_of(path)));
    return;
  }
  for (const auto& [name, entry] : *entries) {
    const std::string entry_path = join(path, name.str());
    const auto* t = entry.as_table();
    if (!t) {
      r.error(fmt::format("{}: {}", entry_path, expected_table(map.keys)));
      continue;
    }
    reject_unknown(r, *t, entry_path, map.keys, {});
    E item;
    read_keys(r, *t, entry_path, map.keys, item);
    (out.*map.member)[std::string(name.str())] = std::move(item);
  }
}

void read_apps(Reader& r, const toml::table& root, Config& c) {
  std::set<std::string> ids, keys;
  read_array(r, root, "", schema::apps(), c, [&](const toml::table& t, const std::string& path, AppConfig& a) {
    read_array(r, t, path, schema::webhooks(), a, no_nested_tables);
    read_map(r, t, path, schema::collections(), a);
    if (!ids.insert(a.id).second) r.error(fmt::format("{}.id = \"{}\": duplicate app id", path, a.id));
    if (!keys.insert(a.key).second) r.error(fmt::format("{}.key = \"{}\": duplicate app key", path, a.key));
  });
}

// Top-level names that are neither a section nor [[apps]], and keys no section declares, in the
// order the file has them.
void reject_unknown_sections(Reader& r, const toml::table& root) {
  for (const auto& entry : root) {
    const std::string_view name = entry.first.str();
    const toml::node& v = entry.second;  // not a structured binding: clang 14 cannot capture those
    if (name == schema::apps().name) continue;
    bool is_section = false;
    schema::for_each_section([&](const auto& s) {
      if (name != s.name) return;
      is_section = true;
      if (const auto* t = v.as_table()) reject_unknown(r, *t, s.name, s.keys, s.nested);
    });
    if (!is_section) {
      r.error(fmt::format("{}: unknown section (allowed: {}, {})", name, fmt::join(schema::section_names(), ", "),
                          schema::apps().name));
    }
  }
}

}  // namespace

void read_config(Reader& r, const toml::table& root, Config& c) {
  schema::for_each_section([&](const auto& s) { read_keys(r, r.section(s.name), s.name, s.keys, c.*s.member); });
  if (const auto* channels = root.get_as<toml::table>(schema::channels().name)) {
    read_array(r, *channels, schema::channels().name, schema::history(), c.channels, no_nested_tables);
  }
  read_apps(r, root, c);
  reject_unknown_sections(r, root);
}

}  // namespace headroom::config
