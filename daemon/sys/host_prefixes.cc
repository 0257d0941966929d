// The host's addresses and prefix lengths from getifaddrs.
#include "daemon/sys/host_prefixes.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <optional>

namespace sesame {
namespace {

// The address and the number of leading one bits of its netmask.
std::optional<LocalPrefix> to_prefix(const ifaddrs& a) {
  if (a.ifa_addr == nullptr) return std::nullopt;
  std::uint8_t length = 0;
  if (a.ifa_addr->sa_family == AF_INET) {
    sockaddr_in in;
    std::memcpy(&in, a.ifa_addr, sizeof in);
    length = 32;
    if (a.ifa_netmask != nullptr) {
      sockaddr_in mask;
      std::memcpy(&mask, a.ifa_netmask, sizeof mask);
      length = static_cast<std::uint8_t>(std::countl_one(ntohl(mask.sin_addr.s_addr)));
    }
    return LocalPrefix{Address::v4(ntohl(in.sin_addr.s_addr)), length};
  }
  if (a.ifa_addr->sa_family == AF_INET6) {
    sockaddr_in6 in6;
    std::memcpy(&in6, a.ifa_addr, sizeof in6);
    std::array<std::uint8_t, 16> bytes;
    std::memcpy(bytes.data(), in6.sin6_addr.s6_addr, 16);
    length = 128;
    if (a.ifa_netmask != nullptr) {
      sockaddr_in6 mask;
      std::memcpy(&mask, a.ifa_netmask, sizeof mask);
      length = 0;
      for (std::uint8_t byte : mask.sin6_addr.s6_addr) {
        length += static_cast<std::uint8_t>(std::countl_one(byte));
        if (byte != 0xff) break;
      }
    }
    return LocalPrefix{Address::v6(bytes), length};
  }
  return std::nullopt;
}

}  // namespace

std::expected<std::vector<LocalPrefix>, SysError> host_prefixes() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::unexpected(sys_error("getifaddrs"));
  const std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> owner(list, freeifaddrs);
  std::vector<LocalPrefix> out;
  for (const ifaddrs* a = list; a != nullptr; a = a->ifa_next)
    if (auto p = to_prefix(*a); p && std::ranges::find(out, *p) == out.end()) out.push_back(*p);
  return out;
}

}  // namespace sesame
