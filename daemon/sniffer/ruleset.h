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
#include "daemon/sniffer/interfaces.h"

namespace sesame {

struct Ruleset {
  Config config;
  MatcherDoors doors;  // doors.doors[i].name is what a DoorEvent for door i logs
  std::vector<Address> local_addresses;
  Matcher matcher;     // Detectors point here: a Ruleset never moves (shared_ptr)
  KnockFilter filter;
  ConfigGeneration generation = 0;  // of the file `config` was read from; every match carries it
};

// Builds every part, or fails with the first part's reason (matcher, filter). The
// local addresses are those of `interfaces`, without IPv6 if ipv4_only.
std::expected<std::shared_ptr<const Ruleset>, std::string> build_ruleset(
    Config config, std::span<const Interface> interfaces, bool ipv4_only, ConfigGeneration generation);

}  // namespace sesame
