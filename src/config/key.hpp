#pragma once
// The shape of one declaration per config key. A Key row names the key (its TOML name), points at
// its field, says which values are allowed beyond the field's type, explains it, and marks secrets.
// The rows themselves are in schema.cpp; reading (sections.cpp), unknown-key detection, printing
// (printer.cpp) and the reference in docs/configuration.md (reference.cpp) are all made from them.
//
// A row holds no type and no default: both come from the field it points at, whose member
// initializer in config.hpp is the one place the default is written (so no table can disagree with
// a default-constructed Config, and config.hpp, which the whole code base includes, stays as it is).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"

namespace headroom::config {

struct IntRange {
  int64_t min;
  int64_t max;
};
struct RealRange {
  double min;
  double max;
};
struct OneOf {
  std::vector<std::string> values;
};
// Integers and numbers need a range; a string may be limited to OneOf; std::monostate: any value.
using Allowed = std::variant<std::monostate, IntRange, RealRange, OneOf>;

enum class Shown { kPlain, kSecret };  // a secret's value never appears in `config print` or an error

template <class S>
using Field =
    std::variant<int S::*, int64_t S::*, double S::*, bool S::*, std::string S::*, std::vector<std::string> S::*>;

template <class S>
struct Key {
  const char* name;
  Field<S> field;
  Allowed allowed;
  const char* doc;
  Shown shown = Shown::kPlain;
  // A check beyond `allowed`, run on the struct once all its keys are read (so it sees defaults
  // too): what is wrong ("must name a directory"), or "". The error then reads
  // `<key> = <value>: <what is wrong>`, with the value redacted for a secret.
  std::string (*check)(const S&) = nullptr;
};

// A top-level [name] table read into Config::*member.
template <class S>
struct Section {
  const char* name;
  S Config::*member;
  const char* doc;
  std::vector<Key<S>> keys;
  std::vector<std::string_view> nested = {};  // names of arrays of tables inside it (read apart)
};

// [[owner.name]]: a list of tables with the same keys (e.g. [[channels.history]], [[apps]]).
template <class Owner, class E>
struct TableArray {
  const char* name;
  std::vector<E> Owner::*member;
  const char* doc;
  std::vector<Key<E>> keys;
  std::vector<std::string_view> nested = {};  // names of tables inside each element (read apart)
};

// [owner.name.NAME]: tables with the same keys, by name (e.g. [apps.collections.posts]).
template <class Owner, class E>
struct TableMap {
  const char* name;
  std::map<std::string, E, std::less<>> Owner::*member;
  const char* doc;
  std::vector<Key<E>> keys;
};

}  // namespace headroom::config
