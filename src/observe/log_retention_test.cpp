#include "observe/log_retention.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace headroom::observe {

namespace fs = std::filesystem;

TEST(LogRetention, DeletesOnlyOldRotatedFiles) {
  const fs::path dir = fs::temp_directory_path() / ("headroom-logret-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* name : {"headroom.log", "headroom.1.log", "headroom.2.log", "headroom.3.log", "other.1.log",
                           "headroom.x.log", "headroom.1.txt"}) {
    std::ofstream(dir / name) << "x\n";
  }
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(24 * 30);
  for (const char* name : {"headroom.log", "headroom.2.log", "headroom.3.log", "other.1.log", "headroom.x.log"}) {
    fs::last_write_time(dir / name, old);
  }
  const auto cutoff = std::chrono::system_clock::now() - std::chrono::hours(24 * 14);
  EXPECT_EQ(prune_rotated_logs((dir / "headroom.log").string(), cutoff), 2);
  EXPECT_TRUE(fs::exists(dir / "headroom.log"));    // the active file, however old
  EXPECT_TRUE(fs::exists(dir / "headroom.1.log"));  // recent
  EXPECT_FALSE(fs::exists(dir / "headroom.2.log"));
  EXPECT_FALSE(fs::exists(dir / "headroom.3.log"));
  EXPECT_TRUE(fs::exists(dir / "other.1.log"));
  EXPECT_TRUE(fs::exists(dir / "headroom.x.log"));
  EXPECT_TRUE(fs::exists(dir / "headroom.1.txt"));
  EXPECT_EQ(prune_rotated_logs((dir / "missing" / "headroom.log").string(), cutoff), 0);
  fs::remove_all(dir);
}

}  // namespace headroom::observe
