#pragma once
// docs/configuration.md, generated from the key declarations (schema.cpp): every key with its
// type, default, allowed values, environment variable and meaning. `headroom config docs` prints
// it; config_test fails while the checked-in file differs.
#include <string>

namespace headroom::config {

std::string reference_markdown();

}  // namespace headroom::config
