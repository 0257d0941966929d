// The keys of sesame's TOML format, one table of names per TOML table, shared by the
// reader and the writer so that both spell every key the same way.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/config/config_toml.h"
#include "core/enum_names.h"

namespace sesame::toml_keys {

enum class RootKey : std::uint8_t {
  kInterfaces,
  kUser,
  kFirewall,
  kTableCapacity,
  kWorkers,
  kKeepGrantsOnShutdown,
  kAnyVlan,
  kMaxGrantLifetime,
  kMaxGrantsPerDoor,
  kIpv6LimitPrefix,
  kLog,
  kDoor,
};
enum class LogKey : std::uint8_t { kSyslog, kStderr, kFile };
enum class DoorKey : std::uint8_t {
  kName,
  kSequence,
  kOneTimeSequences,
  kSeqTimeout,
  kTcpFlags,
  kTarget,
  kOpen,
  kOpenFor,
  kCloseSequence,
  kStart,
  kStart6,
  kStop,
  kStop6,
  kLinkLocalSources,
};

// The one list of key names per table; entry i names value i (checked below).
inline constexpr std::array<EnumName<RootKey>, 12> kRootKeys{{
    {RootKey::kInterfaces, "interfaces"},
    {RootKey::kUser, "user"},
    {RootKey::kFirewall, "firewall"},
    {RootKey::kTableCapacity, "table_capacity"},
    {RootKey::kWorkers, "workers"},
    {RootKey::kKeepGrantsOnShutdown, "keep_grants_on_shutdown"},
    {RootKey::kAnyVlan, "any_vlan"},
    {RootKey::kMaxGrantLifetime, "max_grant_lifetime"},
    {RootKey::kMaxGrantsPerDoor, "max_grants_per_door"},
    {RootKey::kIpv6LimitPrefix, "ipv6_limit_prefix"},
    {RootKey::kLog, kTomlTableNames[0]},
    {RootKey::kDoor, kTomlTableNames[1]},
}};
inline constexpr std::array<EnumName<LogKey>, 3> kLogKeys{{
    {LogKey::kSyslog, "syslog"},
    {LogKey::kStderr, "stderr"},
    {LogKey::kFile, "file"},
}};
inline constexpr std::array<EnumName<DoorKey>, 14> kDoorKeys{{
    {DoorKey::kName, "name"},
    {DoorKey::kSequence, "sequence"},
    {DoorKey::kOneTimeSequences, "one_time_sequences"},
    {DoorKey::kSeqTimeout, "seq_timeout"},
    {DoorKey::kTcpFlags, "tcp_flags"},
    {DoorKey::kTarget, "target"},
    {DoorKey::kOpen, "open"},
    {DoorKey::kOpenFor, "open_for"},
    {DoorKey::kCloseSequence, "close_sequence"},
    {DoorKey::kStart, "start"},
    {DoorKey::kStart6, "start6"},
    {DoorKey::kStop, "stop"},
    {DoorKey::kStop6, "stop6"},
    {DoorKey::kLinkLocalSources, "link_local_sources"},
}};

static_assert(names_in_value_order(kRootKeys) && names_in_value_order(kLogKeys) &&
                  names_in_value_order(kDoorKeys),
              "key tables must list every key in value order, so key() can index them");

constexpr std::string_view key(RootKey k) { return enum_name(kRootKeys, k); }
constexpr std::string_view key(LogKey k) { return enum_name(kLogKeys, k); }
constexpr std::string_view key(DoorKey k) { return enum_name(kDoorKeys, k); }

}  // namespace sesame::toml_keys
