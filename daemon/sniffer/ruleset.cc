// build_ruleset: config to matcher and filter, one source of truth for both.
#include "daemon/sniffer/ruleset.h"

#include <algorithm>

#include "core/str_cat.h"
#include "daemon/sys/host_prefixes.h"

namespace sesame {

std::expected<std::shared_ptr<const Ruleset>, std::string> build_ruleset(
    Config config, std::span<const Interface> interfaces, bool ipv4_only, ConfigGeneration generation) {
  MatcherDoors doors = matcher_doors(config);
  std::vector<Address> local = local_addresses(interfaces);
  auto matcher = Matcher::build(doors.doors, local, doors.rules);
  if (!matcher) return std::unexpected(str_cat("doors: ", matcher.error().message));
  // An SPA port is, to the kernel filter, a one-knock UDP door to a local address.
  std::vector<Door> filtered = doors.doors;
  std::vector<SpaGateDoor> spa_doors;
  for (std::size_t i = 0; i < config.doors.size(); ++i) {
    const ConfigDoor& d = config.doors[i];
    if (!d.spa) continue;
    spa_doors.push_back({.door = static_cast<std::uint32_t>(i), .spa = *d.spa, .open_ports = d.open_ports,
                         .open_for = d.open_for.value_or(kDefaultSpaOpenFor)});
    Door port;
    port.name = d.door.name;
    port.sequence = {{Protocol::kUdp, d.spa->port}};
    filtered.push_back(std::move(port));
  }
  auto filter = knock_filter(filtered, local, ipv4_only, matcher->scan_guard());
  if (!filter) return std::unexpected(str_cat("kernel filter: ", filter.error().message));
  auto host = host_prefixes();
  if (!host) return std::unexpected(format_sys_error(host.error()));
  const bool any_link_local = std::ranges::any_of(config.doors, &ConfigDoor::allow_link_local);
  std::vector<std::vector<std::uint16_t>> vlan_ids;
  for (const Interface& i : interfaces) vlan_ids.push_back(i.vlan_ids);
  return std::make_shared<const Ruleset>(Ruleset{std::move(config), std::move(doors), std::move(local),
                                                 std::move(*matcher), std::move(*filter), std::move(spa_doors),
                                                 std::move(*host), any_link_local, std::move(vlan_ids), generation});
}

}  // namespace sesame
