#pragma once
// install_ops: scheduled backups and the admin backup API for the composition root.
//   GET  /v1/admin/backups  → {"backups":[{name, created_ms, manifest...}], "dir": ...}
//   POST /v1/admin/backups  → 201 {"backup": {...}} once the backup is complete
// Both need `Authorization: Bearer <admin.token>` (401 otherwise) and bypass admission control.
#include <memory>

#include "ops/backup_service.hpp"
#include "server/module_context.hpp"

namespace headroom::ops {

class OpsModule {
 public:
  // `storage`: the document store's maintenance side (chosen by the composition root).
  OpsModule(server::ModuleContext& ctx, std::shared_ptr<storage::Maintenance> storage);
  BackupService& backups() { return *backups_; }

 private:
  std::shared_ptr<BackupService> backups_;
};

std::unique_ptr<OpsModule> install_ops(server::ModuleContext& ctx, std::shared_ptr<storage::Maintenance> storage);

// The backup as the API and `headroom backup list --json` show it.
std::string backup_json(const BackupInfo& b);

}  // namespace headroom::ops
