// find_interfaces: the network interfaces sesamed listens on and their addresses.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "core/address.h"
#include "daemon/sys/machine_probe.h"
#include "daemon/sys/sys_error.h"

namespace sesame {

struct Interface {
  std::string name;
  unsigned index = 0;
  // Every address the interface holds (IPv6 ones left out with ipv4_only): the
  // destinations a door without a target accepts, as knockd's "dst host" filter.
  std::vector<Address> addresses;
  // The IDs of the host's VLAN interfaces on this one, read at start (vlans.h).
  std::vector<std::uint16_t> vlan_ids;
  LinkFraming framing = LinkFraming::kEthernet;
};

// Looks up each named interface and its framing. Fails if one does not exist, has a
// link type sesamed does not read (interface_framing), or the addresses cannot be read.
std::expected<std::vector<Interface>, SysError> find_interfaces(std::span<const std::string> names,
                                                                bool ipv4_only);

// Reads every address of `interfaces` again (getifaddrs: a netlink socket, which a
// SIGHUP reload may still open after the privilege drop).
std::expected<void, SysError> read_addresses(std::span<Interface> interfaces, bool ipv4_only);

// Every address of `interfaces`, each once.
std::vector<Address> local_addresses(std::span<const Interface> interfaces);

}  // namespace sesame
