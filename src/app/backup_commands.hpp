#pragma once
// `headroom backup create|list|verify|restore`, `headroom export`, `headroom import`
// (src/ops does the work; these print results and pick exit codes: 0 ok, 1 failed, 2 bad input).
#include <string>

#include "app/commands.hpp"

namespace headroom::app {

struct OpsOptions {
  std::string data_dir;   // --data-dir: overrides data.dir
  std::string backup;     // a backup name or path
  std::string to;         // restore --to
  std::string until;      // restore --until
  std::string from_data;  // restore --from-data (default: data.dir)
  bool json = false;      // list --json
  std::string app, collection, out, file;
};

int run_backup_create(const CommonOptions& common, const OpsOptions& o);
int run_backup_list(const CommonOptions& common, const OpsOptions& o);
int run_backup_verify(const CommonOptions& common, const OpsOptions& o);
int run_backup_restore(const CommonOptions& common, const OpsOptions& o);
int run_export(const CommonOptions& common, const OpsOptions& o);
int run_import(const CommonOptions& common, const OpsOptions& o);

}  // namespace headroom::app
