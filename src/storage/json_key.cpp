#include "storage/json_key.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace headroom::storage {
namespace json = boost::json;
namespace {

void append_string(std::string& out, std::string_view s) {
  out.push_back(static_cast<char>(kTagString));
  for (char c : s) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');  // escape: 00 → 00 ff; the terminator is 00 01
  }
  out.push_back('\0');
  out.push_back('\x01');
}

void append_number(std::string& out, double d) {
  if (std::isnan(d)) {
    out.push_back(static_cast<char>(kTagNaN));
    return;
  }
  if (d == 0) d = 0;  // -0 == 0
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  bits = (bits & (1ULL << 63)) ? ~bits : bits | (1ULL << 63);
  out.push_back(static_cast<char>(kTagNumber));
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((bits >> shift) & 0xff));
}

}  // namespace

unsigned char type_tag(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return kTagNull;
    case json::kind::bool_:
      return v.get_bool() ? kTagTrue : kTagFalse;
    case json::kind::int64:
    case json::kind::uint64:
      return kTagNumber;
    case json::kind::double_:
      return std::isnan(v.get_double()) ? kTagNaN : kTagNumber;
    case json::kind::string:
      return kTagString;
    case json::kind::array:
      return kTagArray;
    case json::kind::object:
      return kTagObject;
  }
  return kTagNull;
}

void append_key(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      out.push_back(static_cast<char>(kTagNull));
      return;
    case json::kind::bool_:
      out.push_back(static_cast<char>(v.get_bool() ? kTagTrue : kTagFalse));
      return;
    case json::kind::int64:
      append_number(out, static_cast<double>(v.get_int64()));
      return;
    case json::kind::uint64:
      append_number(out, static_cast<double>(v.get_uint64()));
      return;
    case json::kind::double_:
      append_number(out, v.get_double());
      return;
    case json::kind::string:
      append_string(out, v.get_string());
      return;
    case json::kind::array:
      out.push_back(static_cast<char>(kTagArray));
      for (const auto& e : v.get_array()) append_key(out, e);
      out.push_back('\0');
      return;
    case json::kind::object: {
      out.push_back(static_cast<char>(kTagObject));
      const auto& obj = v.get_object();
      std::vector<const json::key_value_pair*> entries;
      entries.reserve(obj.size());
      for (const auto& kv : obj) entries.push_back(&kv);
      std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
      for (const auto* kv : entries) {
        append_string(out, kv->key());
        append_key(out, kv->value());
      }
      out.push_back('\0');
      return;
    }
  }
}

std::string encode_key(const json::value& v) {
  std::string out;
  append_key(out, v);
  return out;
}

std::string complement(std::string key) {
  for (char& c : key) c = static_cast<char>(~static_cast<unsigned char>(c));
  return key;
}

std::string prefix_successor(std::string prefix) {
  while (!prefix.empty()) {
    auto last = static_cast<unsigned char>(prefix.back());
    if (last != 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

int compare_values(const json::value& a, const json::value& b) {
  std::string ka = encode_key(a), kb = encode_key(b);
  int c = ka.compare(kb);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool values_equal(const json::value& a, const json::value& b) { return compare_values(a, b) == 0; }

const json::value* find_path(const json::object& obj, std::string_view path) {
  const json::object* cur = &obj;
  while (true) {
    size_t dot = path.find('.');
    std::string_view head = path.substr(0, dot);
    auto it = cur->find(head);
    if (it == cur->end()) return nullptr;
    if (dot == std::string_view::npos) return &it->value();
    if (!it->value().is_object()) return nullptr;
    cur = &it->value().get_object();
    path.remove_prefix(dot + 1);
  }
}

}  // namespace headroom::storage
