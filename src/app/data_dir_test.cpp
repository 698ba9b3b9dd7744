#include "app/data_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace headroom::app {

TEST(DataDir, FirstStartCreatesADevAppAndTokenThatLaterStartsReuse) {
  auto dir = std::filesystem::temp_directory_path() / ("headroom-dd-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  config::Config c;
  c.data.dir = dir.string();
  auto first = prepare_data_dir(c);
  EXPECT_TRUE(first.dev_app);
  EXPECT_TRUE(first.created_dev_app);
  EXPECT_TRUE(first.created_admin_token);
  ASSERT_EQ(c.apps.size(), 1u);
  EXPECT_GE(c.apps[0].secret.size(), 16u);
  struct stat st;
  ASSERT_EQ(stat((dir / "dev-app.env").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  config::Config again;
  again.data.dir = dir.string();
  auto second = prepare_data_dir(again);
  EXPECT_FALSE(second.created_dev_app);
  EXPECT_EQ(again.apps[0].secret, c.apps[0].secret);
  EXPECT_EQ(again.admin.token, c.admin.token);
  std::filesystem::remove_all(dir);
}

TEST(DataDir, ConfiguredAppsAndTokenAreLeftAlone) {
  auto dir = std::filesystem::temp_directory_path() / ("headroom-dd2-" + std::to_string(getpid()));
  config::Config c;
  c.data.dir = dir.string();
  c.apps.push_back(config::AppConfig{});
  c.apps[0].id = "mine";
  c.admin.token = "configured-token-0123456789";
  auto first = prepare_data_dir(c);
  EXPECT_FALSE(first.created_dev_app);
  EXPECT_FALSE(first.created_admin_token);
  EXPECT_EQ(c.apps.size(), 1u);
  EXPECT_EQ(c.admin.token, "configured-token-0123456789");
  std::filesystem::remove_all(dir);
}

// A deployment (apps configured) never runs the development app, even after a SIGHUP that
// removes every app: the reloader asks for DevApp::kNever.
TEST(DataDir, AServerStartedWithAppsNeverGetsTheDevelopmentApp) {
  auto dir = std::filesystem::temp_directory_path() / ("headroom-dd3-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  config::Config c;
  c.data.dir = dir.string();
  c.apps.push_back(config::AppConfig{});
  c.apps[0].id = "mine";
  EXPECT_FALSE(prepare_data_dir(c).dev_app);
  config::Config reloaded;
  reloaded.data.dir = dir.string();
  auto again = prepare_data_dir(reloaded, DevApp::kNever);
  EXPECT_FALSE(again.dev_app);
  EXPECT_FALSE(again.created_dev_app);
  EXPECT_TRUE(reloaded.apps.empty());
  EXPECT_FALSE(std::filesystem::exists(dir / "dev-app.env"));
  std::filesystem::remove_all(dir);
}

}  // namespace headroom::app
