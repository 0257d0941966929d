// vlan_ids_on: the VLAN IDs the host has interfaces for on a device. A frame tagged
// with another ID reaches the AF_PACKET socket on the device but no other socket on
// the host: the kernel would drop it, so it is no knock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sesame {

// The IDs of the VLANs on `device` listed in `text`, /proc/net/vlan/config's format:
// two header lines, then "NAME | ID | DEVICE" per VLAN interface.
std::vector<std::uint16_t> parse_vlan_config(std::string_view text, std::string_view device);

// Reads /proc/net/vlan/config (root only; absent without the 8021q module, which
// means no VLAN interface at all): call it before the privilege drop.
std::vector<std::uint16_t> vlan_ids_on(const std::string& device);

}  // namespace sesame
