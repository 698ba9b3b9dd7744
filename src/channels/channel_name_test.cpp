#include "channels/channel_name.hpp"

#include <gtest/gtest.h>

namespace headroom::channels {

TEST(ChannelName, ClassifiesEveryPrefix) {
  EXPECT_EQ(classify("news").kind, ChannelKind::kPublic);
  EXPECT_EQ(classify("private-a").kind, ChannelKind::kPrivate);
  EXPECT_EQ(classify("presence-a").kind, ChannelKind::kPresence);
  EXPECT_EQ(classify("private-encrypted-a").kind, ChannelKind::kPrivateEncrypted);
  EXPECT_EQ(classify("#server-to-user-7").kind, ChannelKind::kServerToUser);
  EXPECT_EQ(server_to_user_id("#server-to-user-7"), "7");
  EXPECT_EQ(db_collection("db-posts"), "posts");
  EXPECT_EQ(db_collection("private-db-posts"), "posts");
  EXPECT_EQ(db_collection("posts"), "");
  EXPECT_TRUE(classify("cache-a").cache);
  EXPECT_TRUE(classify("private-cache-a").cache);
  EXPECT_TRUE(classify("presence-cache-a").cache);
  EXPECT_FALSE(classify("private-a").cache);
  EXPECT_TRUE(classify("private-a").needs_auth());
  EXPECT_FALSE(classify("cache-a").needs_auth());
  EXPECT_TRUE(classify("presence-a").allows_client_events());
  EXPECT_FALSE(classify("private-encrypted-a").allows_client_events());
  EXPECT_FALSE(classify("public").allows_client_events());
}

TEST(ChannelName, ValidatesLengthAndCharacters) {
  EXPECT_TRUE(validate_channel_name("a-b_c=d@e,f.g;h").is_ok());
  EXPECT_FALSE(validate_channel_name("").is_ok());
  EXPECT_FALSE(validate_channel_name("has space").is_ok());
  EXPECT_FALSE(validate_channel_name("slash/").is_ok());
  EXPECT_TRUE(validate_channel_name(std::string(164, 'a')).is_ok());
  EXPECT_FALSE(validate_channel_name(std::string(165, 'a')).is_ok());
  EXPECT_TRUE(validate_channel_name("#server-to-user-1").is_ok());
  EXPECT_FALSE(validate_channel_name("#server-to-user-").is_ok());
  EXPECT_FALSE(validate_channel_name("#other").is_ok());
  EXPECT_TRUE(validate_event_name("client-x").is_ok());
  EXPECT_FALSE(validate_event_name("").is_ok());
  EXPECT_FALSE(validate_event_name(std::string(201, 'e')).is_ok());
}

}  // namespace headroom::channels
