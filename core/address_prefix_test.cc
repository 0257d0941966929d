#include "core/address_prefix.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

Address addr(const char* text) { return *Address::parse(text); }

TEST(AddressPrefix, MatchesItsNetworkOnly) {
  const auto p4 = AddressPrefix::parse("198.18.0.0/15");
  ASSERT_TRUE(p4);
  EXPECT_TRUE(p4->contains(addr("198.19.255.255")));
  EXPECT_FALSE(p4->contains(addr("198.20.0.0")));
  EXPECT_FALSE(p4->contains(addr("::ffff:0:c612:1")));
  EXPECT_EQ(p4->to_string(), "198.18.0.0/15");
  const auto p6 = AddressPrefix::parse("2001:2::/48");
  ASSERT_TRUE(p6);
  EXPECT_TRUE(p6->contains(addr("2001:2::2")));
  EXPECT_FALSE(p6->contains(addr("2001:3::2")));
  EXPECT_FALSE(p6->contains(addr("198.18.0.2")));
  EXPECT_EQ(AddressPrefix::parse("198.18.0.2")->to_string(), "198.18.0.2/32");
  EXPECT_TRUE(AddressPrefix::parse("0.0.0.0/0")->contains(addr("203.0.113.9")));
  EXPECT_FALSE(AddressPrefix::parse("0.0.0.0/0")->contains(addr("2001:2::2")));
}

TEST(AddressPrefix, RejectsHostBitsAndBadLengths) {
  EXPECT_FALSE(AddressPrefix::parse("198.18.0.1/15"));
  EXPECT_FALSE(AddressPrefix::parse("198.18.0.0/33"));
  EXPECT_FALSE(AddressPrefix::parse("198.18.0.0/"));
  EXPECT_FALSE(AddressPrefix::parse("2001:2::/129"));
  EXPECT_FALSE(AddressPrefix::parse("example.com/8"));
}

TEST(AddressPrefix, NetworkOfKeepsThePrefixBitsOfItsFamily) {
  EXPECT_EQ(network_of(addr("198.19.7.200"), 24), addr("198.19.7.0"));
  EXPECT_EQ(network_of(addr("198.19.7.200"), 40), addr("198.19.7.200"));
  EXPECT_EQ(network_of(addr("2001:2:0:1234:5::1"), 56), addr("2001:2:0:1200::"));
  EXPECT_EQ(network_of(addr("2001:2::1"), 0), addr("::"));
}

}  // namespace
}  // namespace sesame
