#include "config/warnings.hpp"

#include <fmt/format.h>

#include "config/schema.hpp"

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
    for (const auto& key : schema::apps().keys) {  // every app secret is an HMAC key: secret, jwt_secret
      if (key.shown != Shown::kSecret) continue;
      check_secret(out, i, app, key.name, app.*std::get<std::string AppConfig::*>(key.field));
    }
  }
  return out;
}

}  // namespace headroom::config
