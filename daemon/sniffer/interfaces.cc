// Interface lookup through if_nametoindex, SIOCGIFHWADDR and getifaddrs.
#include "daemon/sniffer/interfaces.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/str_cat.h"
#include "daemon/sniffer/vlans.h"
#include "daemon/sys/machine_probe.h"

namespace sesame {
namespace {

std::optional<Address> to_address(const sockaddr* sa) {
  if (sa == nullptr) return std::nullopt;
  if (sa->sa_family == AF_INET) {
    sockaddr_in in;
    std::memcpy(&in, sa, sizeof in);
    return Address::v4(ntohl(in.sin_addr.s_addr));
  }
  if (sa->sa_family == AF_INET6) {
    sockaddr_in6 in6;
    std::memcpy(&in6, sa, sizeof in6);
    std::array<std::uint8_t, 16> bytes;
    std::memcpy(bytes.data(), in6.sin6_addr.s6_addr, 16);
    return Address::v6(bytes);
  }
  return std::nullopt;
}

}  // namespace

std::expected<std::vector<Interface>, SysError> find_interfaces(std::span<const std::string> names,
                                                                bool ipv4_only) {
  std::vector<Interface> out;
  for (const std::string& name : names) {
    const unsigned index = if_nametoindex(name.c_str());
    if (index == 0) return std::unexpected(sys_error(str_cat("interface ", name)));
    auto framing = interface_framing(name);
    if (!framing) return std::unexpected(SysError{std::move(framing.error()), 0});
    out.push_back({name, index, {}, vlan_ids_on(name), *framing});
  }
  if (auto ok = read_addresses(out, ipv4_only); !ok) return std::unexpected(ok.error());
  return out;
}

std::expected<void, SysError> read_addresses(std::span<Interface> interfaces, bool ipv4_only) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::unexpected(sys_error("getifaddrs"));
  const std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> owner(list, freeifaddrs);
  for (Interface& i : interfaces) i.addresses.clear();
  for (const ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    const std::optional<Address> address = to_address(a->ifa_addr);
    if (!address || (ipv4_only && !address->is_v4())) continue;
    for (Interface& i : interfaces)
      if (i.name == a->ifa_name && std::ranges::find(i.addresses, *address) == i.addresses.end())
        i.addresses.push_back(*address);
  }
  return {};
}

std::vector<Address> local_addresses(std::span<const Interface> interfaces) {
  std::vector<Address> out;
  for (const Interface& i : interfaces)
    for (const Address& a : i.addresses)
      if (std::ranges::find(out, a) == out.end()) out.push_back(a);
  return out;
}

}  // namespace sesame
