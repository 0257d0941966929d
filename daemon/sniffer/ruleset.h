// Ruleset: what detection is built from one config: the matcher's doors and their
// names, the matcher, and the kernel socket filter. Built at start and on SIGHUP.
#pragma once

#include <expected>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/bpf_program.h"
#include "core/config/config.h"
#include "core/ipc.h"
#include "core/matcher.h"
#include "core/spa/spa_gate.h"
#include "core/source_check.h"
#include "daemon/sniffer/interfaces.h"

namespace sesame {

struct Ruleset {
  Config config;
  MatcherDoors doors;  // doors.doors[i].name is what a DoorEvent for door i logs
  std::vector<Address> local_addresses;
  Matcher matcher;     // Detectors point here: a Ruleset never moves (shared_ptr)
  KnockFilter filter;
  // The SPA doors, for each worker's SpaGate (which keeps its own replay cache and budgets).
  std::vector<SpaGateDoor> spa_doors;
  // Every address and prefix the host holds, for check_source, and whether any door
  // lets link-local sources knock (the sniffer then checks the door at the open).
  std::vector<LocalPrefix> host_prefixes;
  bool any_link_local = false;
  // Per interface, in the order of the rings: the VLAN IDs tagged frames may carry
  // (those of the host's VLAN interfaces on it), unless config.any_vlan.
  std::vector<std::vector<std::uint16_t>> vlan_ids;
  ConfigGeneration generation = 0;  // of the file `config` was read from; every message carries it
};

// Builds every part, or fails with the first part's reason (matcher, filter, the
// host's addresses). The filter also passes UDP to every SPA door's port. The local
// addresses are those of `interfaces`, without IPv6 if ipv4_only; host_prefixes are
// every interface's.
std::expected<std::shared_ptr<const Ruleset>, std::string> build_ruleset(
    Config config, std::span<const Interface> interfaces, bool ipv4_only, ConfigGeneration generation);

}  // namespace sesame
