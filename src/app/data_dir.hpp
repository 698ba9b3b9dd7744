#pragma once
// The data directory of a single node: created on first start, holding the development app (when
// the config names no apps) and the generated admin token, so `headroom serve` with no config
// gives a working instance.
#include <string>

#include "config/config.hpp"

namespace headroom::app {

struct FirstStart {
  bool created_dev_app = false;
  bool created_admin_token = false;
};

// Creates config.data.dir if needed; fills config.apps with the development app and
// config.admin.token from the data dir when the config leaves them empty. Throws on I/O errors.
FirstStart prepare_data_dir(config::Config& config);

}  // namespace headroom::app
