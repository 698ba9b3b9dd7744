// `headroom config print`: the effective configuration as TOML, every declared key (schema.cpp),
// secrets redacted. Unredacted, it is what backups keep and what a reload compares, and it loads
// back to the same config.
#include <toml++/toml.h>

#include <sstream>

#include "config/loader.hpp"
#include "config/schema.hpp"

namespace headroom::config {

namespace {
constexpr const char* kRedacted = "<redacted>";

void insert_value(toml::table& t, const char* name, const std::string& v) { t.insert(name, v); }
void insert_value(toml::table& t, const char* name, int v) { t.insert(name, v); }
void insert_value(toml::table& t, const char* name, int64_t v) { t.insert(name, v); }
void insert_value(toml::table& t, const char* name, double v) { t.insert(name, v); }
void insert_value(toml::table& t, const char* name, bool v) { t.insert(name, v); }
void insert_value(toml::table& t, const char* name, const std::vector<std::string>& v) {
  toml::array a;
  for (const auto& s : v) a.push_back(s);
  t.insert(name, a);
}

template <class S>
toml::table keys_table(const std::vector<Key<S>>& keys, const S& s, bool redact) {
  toml::table t;
  for (const auto& key : keys) {
    std::visit(
        [&](auto member) {
          const auto& v = s.*member;
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
            // An empty secret is shown as empty: it says "not set", which is worth knowing.
            if (redact && key.shown == Shown::kSecret && !v.empty())
              return insert_value(t, key.name, std::string(kRedacted));
          }
          insert_value(t, key.name, v);
        },
        key.field);
  }
  return t;
}

template <class Owner, class E>
void insert_array(toml::table& t, const TableArray<Owner, E>& array, const Owner& owner, bool redact, auto&& extra) {
  toml::array items;
  for (const auto& item : owner.*array.member) {
    toml::table table = keys_table(array.keys, item, redact);
    extra(table, item);
    items.push_back(std::move(table));
  }
  t.insert(array.name, std::move(items));
}

template <class Owner, class E>
void insert_map(toml::table& t, const TableMap<Owner, E>& map, const Owner& owner, bool redact) {
  toml::table entries;
  for (const auto& [name, item] : owner.*map.member) entries.insert(name, keys_table(map.keys, item, redact));
  t.insert(map.name, std::move(entries));
}
}  // namespace

std::string to_toml(const Config& c, bool redact) {
  toml::table root;
  schema::for_each_section([&](const auto& s) { root.insert(s.name, keys_table(s.keys, c.*s.member, redact)); });
  insert_array(*root[schema::channels().name].as_table(), schema::history(), c.channels, redact,
               [](toml::table&, const HistoryRule&) {});
  insert_array(root, schema::apps(), c, redact, [&](toml::table& t, const AppConfig& app) {
    insert_array(t, schema::webhooks(), app, redact, [](toml::table&, const Webhook&) {});
    insert_map(t, schema::collections(), app, redact);
  });
  std::ostringstream out;
  // Six significant digits (0.8, not 0.80000000000000004): config floats are ratios and thresholds.
  out << toml::toml_formatter(root, toml::toml_formatter::default_flags | toml::format_flags::relaxed_float_precision)
      << "\n";
  return out.str();
}

}  // namespace headroom::config
