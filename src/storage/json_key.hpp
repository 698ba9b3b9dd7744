#pragma once
// Order-preserving binary keys for JSON values, in Firestore's type order:
//   null < boolean < NaN < number < string < array < object
// memcmp order of two keys is the order of the values, and every key is prefix-free, so keys of
// several fields can be concatenated (composite indexes) and a descending field is stored as its
// bytes complemented. Numbers compare by value whatever their JSON spelling (1 == 1.0).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace headroom::storage {

enum KeyTag : unsigned char {
  kTagNull = 0x05,
  kTagFalse = 0x10,
  kTagTrue = 0x11,
  kTagNaN = 0x1f,
  kTagNumber = 0x20,
  kTagString = 0x30,
  kTagArray = 0x40,
  kTagObject = 0x50,
};

void append_key(std::string& out, const boost::json::value& v);
std::string encode_key(const boost::json::value& v);
// The bytes complemented: the key of a descending field.
std::string complement(std::string key);
// The smallest string greater than every string that starts with `prefix` ("" if none).
std::string prefix_successor(std::string prefix);
// First byte of the value's key: values of one type share it.
unsigned char type_tag(const boost::json::value& v);

// <0, 0, >0 in Firestore order (values of different types compare by type).
int compare_values(const boost::json::value& a, const boost::json::value& b);
bool values_equal(const boost::json::value& a, const boost::json::value& b);

// The value at a dotted path ("a.b.c") inside an object, or nullptr.
const boost::json::value* find_path(const boost::json::object& obj, std::string_view path);

}  // namespace headroom::storage
