#pragma once
// The SQLite driver's maintenance side (storage/maintenance.hpp): a database is a file path.
// Unlike the store's own connections it never aborts: a damaged or foreign file comes back as a
// Status. Writes go through the store's own code (write.cpp), so a replayed or imported document
// has exactly the rows, index entries and change-log row the server would have written.
#include <memory>

#include "storage/maintenance.hpp"

namespace headroom::storage::sqlite {

std::unique_ptr<Maintenance> make_maintenance();

}  // namespace headroom::storage::sqlite
