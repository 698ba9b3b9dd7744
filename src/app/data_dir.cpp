#include "app/data_dir.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/crypto.hpp"

namespace headroom::app {

namespace fs = std::filesystem;

namespace {
std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Written with owner-only permissions: these files hold secrets.
void write_secret_file(const fs::path& p, const std::string& text) {
  fs::path tmp = p;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp.string()));
    out << text;
  }
  chmod(tmp.c_str(), 0600);
  fs::rename(tmp, p);
}

std::string line_value(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  }
  return {};
}
}  // namespace

FirstStart prepare_data_dir(config::Config& config, DevApp dev_app) {
  FirstStart result;
  std::error_code ec;
  fs::create_directories(config.data.dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create data.dir {}: {}", config.data.dir, ec.message()));
  fs::path dir(config.data.dir);

  if (config.apps.empty() && dev_app == DevApp::kWhenNoApps) {
    result.dev_app = true;
    fs::path file = dir / "dev-app.env";
    if (!fs::exists(file)) {
      std::string text = fmt::format("id=dev\nkey=dev-{}\nsecret={}\n", crypto::random_hex(8), crypto::random_hex(16));
      write_secret_file(file, text);
      result.created_dev_app = true;
    }
    std::string text = read_file(file);
    config::AppConfig app;
    app.id = line_value(text, "id");
    app.key = line_value(text, "key");
    app.secret = line_value(text, "secret");
    app.name = "development app";
    app.collections["*"] = config::CollectionRules{"public", "authenticated", ""};
    if (app.id.empty() || app.key.empty() || app.secret.size() < 8) {
      throw std::runtime_error(fmt::format("{} is damaged: delete it to create a new development app", file.string()));
    }
    config.apps.push_back(std::move(app));
  }
  if (config.admin.token.empty()) {
    fs::path file = dir / "admin-token";
    if (!fs::exists(file)) {
      write_secret_file(file, crypto::random_hex(24) + "\n");
      result.created_admin_token = true;
    }
    std::string token = read_file(file);
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    config.admin.token = token;
  }
  return result;
}

}  // namespace headroom::app
