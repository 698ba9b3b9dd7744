#pragma once
// Evaluating query filters on one document, with Firestore's semantics: a filter on a field the
// document lacks never matches; range filters only match values of the same type.
#include <boost/json/object.hpp>

#include "storage/query.hpp"

namespace headroom::storage {

// The value a path names on a document: system fields from `doc`, the rest from `data`.
// Returns nullptr when absent; `scratch` holds system-field values.
const boost::json::value* field_value(const Document& doc, const boost::json::object& data, std::string_view path,
                                      boost::json::value& scratch);

bool matches(const Filter& f, const boost::json::value* field);
bool matches_all(const std::vector<Filter>& where, const Document& doc, const boost::json::object& data);

}  // namespace headroom::storage
