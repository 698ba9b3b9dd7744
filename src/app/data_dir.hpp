#pragma once
// The data directory of a single node: created on first start, holding the development app (when
// the config names no apps) and the generated admin token, so `headroom serve` with no config
// gives a working instance.
#include <string>

#include "config/config.hpp"

namespace headroom::app {

struct FirstStart {
  bool dev_app = false;  // the config named no apps: the development app serves
  bool created_dev_app = false;
  bool created_admin_token = false;
};

enum class DevApp {
  kWhenNoApps,  // `headroom serve` with a config that names no apps
  kNever,       // a server that started with configured apps (a deployment) never gets one
};

// Creates config.data.dir if needed; fills config.apps with the development app (per dev_app)
// and config.admin.token from the data dir when the config leaves them empty. Configured apps
// always mean no development app. Throws on I/O errors.
FirstStart prepare_data_dir(config::Config& config, DevApp dev_app = DevApp::kWhenNoApps);

}  // namespace headroom::app
