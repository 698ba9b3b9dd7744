#pragma once
// The one place that picks the storage driver's implementations (today SQLite; later
// storage.driver = "postgres" picks PostgreSQL here and nowhere else). Startup code: throws with
// a message a person can act on.
#include <memory>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "storage/maintenance.hpp"
#include "storage/store.hpp"

namespace headroom::app {

// The live document store the server serves (SQLite: <data.dir>/headroom.db, created with its
// directory when missing).
std::unique_ptr<storage::Store> open_document_store(const config::Config& config, Clock& clock);

// The driver's maintenance side for backups, verify, restore, replay and export/import (src/ops).
std::shared_ptr<storage::Maintenance> open_maintenance(const config::Config& config);

}  // namespace headroom::app
