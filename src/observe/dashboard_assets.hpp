#pragma once
// The dashboard's files (src/observe/dashboard/), embedded into the binary at build time.
#include <string_view>
#include <vector>

namespace headroom::observe {

struct EmbeddedAsset {
  std::string_view path;  // relative to src/observe/dashboard/, e.g. "index.html"
  std::string_view content_type;
  std::string_view body;
};

const std::vector<EmbeddedAsset>& dashboard_assets();

}  // namespace headroom::observe
