#include "ops/config_diff.hpp"

#include <gtest/gtest.h>

namespace headroom::ops {
namespace {

TEST(ConfigDiff, NamesChangedAddedAndRemovedKeys) {
  std::string a =
      "[server]\nport = 1\nhost = \"x\"\n[[apps]]\nid = \"a\"\n[apps.collections.\"p\"]\nread = "
      "\"public\"\n[[apps]]\nid = \"b\"\n";
  std::string b =
      "[server]\nport = 2\nhost = \"x\"\n[[apps]]\nid = \"a\"\n[apps.collections.\"p\"]\nread = "
      "\"owner\"\n[backup]\nkeep = 3\n";
  auto keys = changed_config_keys(a, b);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"apps[0].collections.\"p\".read", "apps[1].id", "server.port", "backup.keep"}));
  EXPECT_TRUE(changed_config_keys(a, a).empty());
}

}  // namespace
}  // namespace headroom::ops
