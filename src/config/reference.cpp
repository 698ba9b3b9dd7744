#include "config/reference.hpp"

#include <fmt/format.h>

#include <limits>

#include "config/schema.hpp"

namespace headroom::config {

namespace {

constexpr const char* kIntro = R"(# Configuration reference

<!-- Generated from src/config/schema.cpp by `headroom config docs`; do not edit by hand. After
changing a key there, run `build/src/app/headroom config docs > docs/configuration.md`
(config_test fails until the two agree). -->

Every key Headroom reads, with its type, default, allowed values and environment variable.
Precedence: `--set section.key=value` flags, then `HEADROOM_SECTION_KEY` environment variables,
then `PORT` for `server.port` (and `0.0.0.0` as the default `server.host`), then the file
(`headroom.toml`, or `--config FILE`), then the defaults below. Values from the environment and
`--set` are strings, converted and checked as strictly as the file's; an array of strings is
comma-separated there. Arrays of tables (`[[apps]]`, `[[channels.history]]`, ...) are set in the
file only.

A key or section not listed here is an error (`server.prot: unknown key`), as is a value outside
what is allowed (`server.port = 70000: must be between 0 and 65535`). Keys marked *secret* are
printed as `<redacted>` by `headroom config print` and never appear in an error. `headroom config
print` shows the effective value of every key; `headroom config check FILE` validates a file.
)";

std::string cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

template <class T>
std::string default_text(const T& v) {
  using V = std::decay_t<T>;
  if constexpr (std::is_same_v<V, std::string>) {
    return fmt::format("`\"{}\"`", v);
  } else if constexpr (std::is_same_v<V, std::vector<std::string>>) {
    std::string out = "[";
    for (const auto& s : v) out += fmt::format("{}\"{}\"", out.size() > 1 ? ", " : "", s);
    return "`" + out + "]`";
  } else {
    return fmt::format("`{}`", v);
  }
}

template <class T>
const char* type_name() {
  if constexpr (std::is_same_v<T, int> || std::is_same_v<T, int64_t>) return "integer";
  if constexpr (std::is_same_v<T, double>) return "number";
  if constexpr (std::is_same_v<T, bool>) return "boolean";
  if constexpr (std::is_same_v<T, std::string>) return "string";
  return "array of strings";
}

std::string allowed_text(const Allowed& allowed) {
  if (const auto* r = std::get_if<IntRange>(&allowed)) {
    if (r->max == std::numeric_limits<int>::max() || r->max == std::numeric_limits<int64_t>::max()) {
      return fmt::format("≥ {}", r->min);
    }
    return fmt::format("{} to {}", r->min, r->max);
  }
  if (const auto* r = std::get_if<RealRange>(&allowed)) return fmt::format("{} to {}", r->min, r->max);
  if (const auto* one = std::get_if<OneOf>(&allowed)) {
    std::string out;
    for (const auto& v : one->values) out += fmt::format("{}`{}`", out.empty() ? "" : ", ", v);
    return out;
  }
  return "";
}

// One table of keys; `prefix` is how a key is spelled in full ("server.", "apps[].").
template <class S>
std::string key_table(const std::string& prefix, const std::vector<Key<S>>& keys, const std::string& env_section) {
  const S defaults{};
  std::string out =
      "| key | type | default | allowed | env | description |\n"
      "| --- | --- | --- | --- | --- | --- |\n";
  for (const auto& key : keys) {
    std::visit(
        [&](auto member) {
          using T = std::decay_t<decltype(defaults.*member)>;
          const bool secret = key.shown == Shown::kSecret;
          const std::string allowed = std::is_same_v<T, bool> ? "`true`, `false`" : allowed_text(key.allowed);
          std::string env = env_section.empty() ? "—" : fmt::format("`{}`", schema::env_name(env_section, key.name));
          out += fmt::format("| `{}{}` | {}{} | {} | {} | {} | {} |\n", prefix, key.name, type_name<T>(),
                             secret ? ", *secret*" : "", cell(default_text(defaults.*member)), cell(allowed), env,
                             cell(key.doc));
        },
        key.field);
  }
  return out;
}

template <class S>
std::string section_text(const Section<S>& s) {
  return fmt::format("\n## `[{}]`\n{}\n\n{}", s.name, s.doc, key_table(std::string(s.name) + ".", s.keys, s.name));
}

// [[owner.name]] whose keys are spelled `<owner>[].name[].key` ("" owner: top level).
template <class Owner, class E>
std::string array_text(std::string_view owner, std::string_view owner_prefix, const TableArray<Owner, E>& a) {
  const std::string header = owner.empty() ? a.name : fmt::format("{}.{}", owner, a.name);
  const std::string prefix = fmt::format("{}{}[].", owner_prefix, a.name);
  return fmt::format("\n## `[[{}]]`\n{}\n\n{}", header, a.doc, key_table(prefix, a.keys, ""));
}

}  // namespace

std::string reference_markdown() {
  std::string out = kIntro;
  schema::for_each_section([&](const auto& s) {
    out += section_text(s);
    const std::string_view name = s.name;
    if (name == schema::channels().name) out += array_text(name, fmt::format("{}.", name), schema::history());
  });
  const std::string_view apps = schema::apps().name;
  out += array_text("", "", schema::apps());
  out += array_text(apps, fmt::format("{}[].", apps), schema::webhooks());
  const auto& cols = schema::collections();
  out += fmt::format("\n## `[{}.{}.NAME]`\n{}\n\n{}", apps, cols.name, cols.doc,
                     key_table(fmt::format("{}[].{}.NAME.", apps, cols.name), cols.keys, ""));
  return out;
}

}  // namespace headroom::config
