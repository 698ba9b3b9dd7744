#include "ratelimit/client_ip.hpp"

#include <gtest/gtest.h>

namespace headroom::ratelimit {
namespace {

TEST(IpMatcher, ExactAndCidr) {
  IpMatcher m({"10.0.0.0/8", "192.168.1.7", "fd00::/8", "not-an-ip", "1.2.3.4/99"});
  EXPECT_TRUE(m.matches("10.1.2.3"));
  EXPECT_FALSE(m.matches("11.1.2.3"));
  EXPECT_TRUE(m.matches("192.168.1.7"));
  EXPECT_FALSE(m.matches("192.168.1.8"));
  EXPECT_TRUE(m.matches("fd12::1"));
  EXPECT_FALSE(m.matches("fe80::1"));
  EXPECT_FALSE(m.matches("1.2.3.4"));
  EXPECT_FALSE(m.matches("garbage"));
}

TEST(ClientIp, ForwardedForIgnoredFromUntrustedPeer) {
  IpMatcher trusted({"10.0.0.1"});
  EXPECT_EQ(client_ip("203.0.113.9", "1.1.1.1", trusted), "203.0.113.9");
  EXPECT_EQ(client_ip("10.0.0.1", "", trusted), "10.0.0.1");
  IpMatcher none({});
  EXPECT_EQ(client_ip("10.0.0.1", "1.1.1.1", none), "10.0.0.1");
}

TEST(ClientIp, RightmostUntrustedHopFromTrustedPeer) {
  IpMatcher trusted({"10.0.0.0/8"});
  EXPECT_EQ(client_ip("10.0.0.1", "1.1.1.1", trusted), "1.1.1.1");
  // A client cannot spoof by prepending: the rightmost untrusted hop wins.
  EXPECT_EQ(client_ip("10.0.0.1", "6.6.6.6, 1.1.1.1, 10.0.0.2", trusted), "1.1.1.1");
  EXPECT_EQ(client_ip("10.0.0.1", " 10.0.0.3 ,10.0.0.2", trusted), "10.0.0.3");
}

}  // namespace
}  // namespace headroom::ratelimit
