#pragma once
// The index entries of one document. Every field gets a single-field entry automatically:
//   "f:<path>"  the value at a dotted path (scalars always; arrays/objects while their key is small)
//   "a:<path>"  one entry per distinct element of an array (array-contains)
// plus "c:<index name>" for each composite index whose fields the document all has.
#include <boost/json/object.hpp>
#include <string>
#include <utility>
#include <vector>

#include "storage/store.hpp"

namespace headroom::storage {

using IndexEntry = std::pair<std::string, std::string>;  // (index column name, key)

inline constexpr size_t kMaxIndexEntriesPerDoc = 2000;
inline constexpr size_t kMaxWholeValueKeyBytes = 1024;

std::vector<IndexEntry> index_entries(const Document& doc, const boost::json::object& data,
                                      const std::vector<IndexDef>& composites);
// The key of a composite index for the document; false when a field is missing.
bool composite_key(const IndexDef& def, const Document& doc, const boost::json::object& data, std::string& key);

}  // namespace headroom::storage
