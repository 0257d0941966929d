// parse_vlan_config reads the kernel's list of VLAN interfaces, per device.
#include "daemon/sniffer/vlans.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

constexpr std::string_view kConfig =
    "VLAN Dev name\t | VLAN ID\n"
    "Name-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD\n"
    "eth0.42        | 42  | eth0\n"
    "eth0.100       | 100  | eth0\n"
    "eth1.42        | 42  | eth1\n"
    "eth10.7        | 7  | eth10\n";

TEST(VlansTest, IdsOfTheDeviceOnly) {
  EXPECT_EQ(parse_vlan_config(kConfig, "eth0"), (std::vector<std::uint16_t>{42, 100}));
  EXPECT_EQ(parse_vlan_config(kConfig, "eth1"), (std::vector<std::uint16_t>{42}));
  EXPECT_TRUE(parse_vlan_config(kConfig, "eth2").empty());
  EXPECT_TRUE(parse_vlan_config("", "eth0").empty());
  EXPECT_TRUE(parse_vlan_config("x | 4096 | eth0\ny | z | eth0\n", "eth0").empty());
}

}  // namespace
}  // namespace sesame
