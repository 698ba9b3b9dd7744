#pragma once
// NDJSON export/import: one document per line,
//   {"app":"app1","collection":"posts","doc":{"_id":"p1","_version":3,"_owner":"u1","_created":...,
//    "_updated":...,<user fields>}}
// Export reads one consistent snapshot (a single read transaction). Import is all-or-nothing:
// every line is validated first, every bad line is reported with its number, and only a file
// with no bad line is written, in ONE transaction (documents keep their system fields; each
// import is also appended to the change log with fresh seqs, so change feeds and point-in-time
// recovery see it). Both go through storage::Maintenance, so an export from one driver imports
// into another. Import writes the database directly: stop the server first (or import into a
// fresh --data-dir and start on it).
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/status.hpp"
#include "storage/maintenance.hpp"

namespace headroom::ops {

using ExportFilter = storage::DocumentFilter;
// Writes the matching documents to `out`; returns how many.
Result<int64_t> export_ndjson(storage::Maintenance& storage, const std::string& db_path, const ExportFilter& filter,
                              std::ostream& out);

struct BadLine {
  int64_t line = 0;  // 1-based
  std::string why;
};
struct ImportResult {
  int64_t imported = 0;
  std::vector<BadLine> bad;  // non-empty: nothing was imported
};
// Creates the database (with the store's schema) when it does not exist.
Result<ImportResult> import_ndjson(storage::Maintenance& storage, const std::string& db_path, std::istream& in,
                                   Clock& clock);

// Validates one line; on success fills app, collection, id and the normalized document JSON, and
// `value` (when given) with that document as the value to store: nothing parses `doc` again. The
// envelope adds one level to the 64 a document may nest (what a PUT may store, export writes).
inline constexpr int kLineEnvelopeLevels = 1;
Status parse_line(std::string_view line, std::string& app, std::string& collection, std::string& id, std::string& doc,
                  boost::json::object* value = nullptr);

}  // namespace headroom::ops
