#include "config/warnings.hpp"

#include <fmt/format.h>

namespace headroom::config {

namespace {
void check_secret(std::vector<std::string>& out, size_t index, const AppConfig& app, const char* key,
                  const std::string& value) {
  if (value.empty() || value.size() >= kMinSecretChars) return;
  out.push_back(
      fmt::format("apps[{}].{} (app \"{}\"): shorter than {} characters; a short secret can be "
                  "guessed offline from one signed request: use 32 random ones (openssl rand -hex 16)",
                  index, key, app.id, kMinSecretChars));
}
}  // namespace

std::vector<std::string> config_warnings(const Config& config) {
  std::vector<std::string> out;
  for (size_t i = 0; i < config.apps.size(); ++i) {
    const AppConfig& app = config.apps[i];
    check_secret(out, i, app, "secret", app.secret);
    check_secret(out, i, app, "jwt_secret", app.jwt_secret);
  }
  return out;
}

}  // namespace headroom::config
