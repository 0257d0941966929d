// SpaDoor: what makes a configured door an fwknop Single Packet Authorization door
// (the TOML's [door.spa] table, or one stanza of fwknop's access.conf).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address_prefix.h"
#include "core/spa/spa_keys.h"

namespace sesame {

inline constexpr std::uint16_t kDefaultSpaPort = 62201;      // fwknop's default
inline constexpr std::uint32_t kDefaultSpaMaxAge = 120;      // fwknopd's MAX_SPA_PACKET_AGE
inline constexpr std::uint32_t kDefaultSpaOpenFor = 30;      // fwknopd's FW_ACCESS_TIMEOUT
inline constexpr std::uint32_t kDefaultSpaMaxOpenFor = 300;  // fwknopd's MAX_FW_TIMEOUT

struct SpaDoor {
  std::uint16_t port = kDefaultSpaPort;  // UDP
  SpaKeys keys;                          // from the TOML or from key_file
  std::string key_file;                  // where the keys are read from; empty: the TOML
  // A packet whose timestamp is further than this from the server's clock is stale.
  std::uint32_t max_age = kDefaultSpaMaxAge;
  // A client's own timeout (message types 3, 4, 6) is capped at this many seconds.
  std::uint32_t max_open_for = kDefaultSpaMaxOpenFor;
  // Packets from other sources are refused; empty: from anywhere.
  std::vector<AddressPrefix> sources;
  // The user name the packet must carry; empty: any.
  std::string require_user;
  // fwknop's REQUIRE_SOURCE_ADDRESS: the packet must name the address to open for;
  // 0.0.0.0 (fwknop -s, "the packet's source") is refused. Such a door cannot serve
  // IPv6 clients, whose packets always say 0.0.0.0.
  bool require_source_address = false;
  // fwknop's ACCESS_EXPIRE: packets are refused from this Unix time (midnight UTC
  // starting the day it names) on; none: never.
  std::optional<std::int64_t> expires;
  friend bool operator==(const SpaDoor&, const SpaDoor&) = default;
};

}  // namespace sesame
