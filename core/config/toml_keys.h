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
  kMatching,
  kAnyVlan,
  kMaxGrantLifetime,
  kMaxGrantsPerDoor,
  kIpv6LimitPrefix,
  kRingBlocks,
  kLog,
  kDoor,
};
enum class LogKey : std::uint8_t { kSyslog, kStderr, kFile, kIdent };
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
  kScanGuard,
  kSpa,
  kLinkLocalSources,
  kCommandTimeout,
};
// [door.spa]: an fwknop SPA door's own keys.
enum class SpaKey : std::uint8_t {
  kPort,
  kKey,
  kKeyBase64,
  kKeyFile,
  kHmacKey,
  kHmacKeyBase64,
  kHmacDigest,
  kLegacyIv,
  kMaxAge,
  kMaxOpenFor,
  kSources,
  kRequireUser,
  kRequireSourceAddress,
  kExpires,
};

// The one list of key names per table; entry i names value i (checked below).
inline constexpr std::array<EnumName<RootKey>, 14> kRootKeys{{
    {RootKey::kInterfaces, "interfaces"},
    {RootKey::kUser, "user"},
    {RootKey::kFirewall, "firewall"},
    {RootKey::kTableCapacity, "table_capacity"},
    {RootKey::kWorkers, "workers"},
    {RootKey::kKeepGrantsOnShutdown, "keep_grants_on_shutdown"},
    {RootKey::kMatching, "matching"},
    {RootKey::kAnyVlan, "any_vlan"},
    {RootKey::kMaxGrantLifetime, "max_grant_lifetime"},
    {RootKey::kMaxGrantsPerDoor, "max_grants_per_door"},
    {RootKey::kIpv6LimitPrefix, "ipv6_limit_prefix"},
    {RootKey::kRingBlocks, "ring_blocks"},
    {RootKey::kLog, kTomlTableNames[0]},
    {RootKey::kDoor, kTomlTableNames[1]},
}};
inline constexpr std::array<EnumName<LogKey>, 4> kLogKeys{{
    {LogKey::kSyslog, "syslog"},
    {LogKey::kStderr, "stderr"},
    {LogKey::kFile, "file"},
    {LogKey::kIdent, "ident"},
}};
inline constexpr std::array<EnumName<DoorKey>, 17> kDoorKeys{{
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
    {DoorKey::kScanGuard, "scan_guard"},
    {DoorKey::kSpa, "spa"},
    {DoorKey::kLinkLocalSources, "link_local_sources"},
    {DoorKey::kCommandTimeout, "command_timeout"},
}};
inline constexpr std::array<EnumName<SpaKey>, 14> kSpaKeys{{
    {SpaKey::kPort, "port"},
    {SpaKey::kKey, "key"},
    {SpaKey::kKeyBase64, "key_base64"},
    {SpaKey::kKeyFile, "key_file"},
    {SpaKey::kHmacKey, "hmac_key"},
    {SpaKey::kHmacKeyBase64, "hmac_key_base64"},
    {SpaKey::kHmacDigest, "hmac_digest"},
    {SpaKey::kLegacyIv, "legacy_iv"},
    {SpaKey::kMaxAge, "max_age"},
    {SpaKey::kMaxOpenFor, "max_open_for"},
    {SpaKey::kSources, "sources"},
    {SpaKey::kRequireUser, "require_user"},
    {SpaKey::kRequireSourceAddress, "require_source_address"},
    {SpaKey::kExpires, "expires"},
}};

static_assert(names_in_value_order(kRootKeys) && names_in_value_order(kLogKeys) &&
                  names_in_value_order(kDoorKeys) && names_in_value_order(kSpaKeys),
              "key tables must list every key in value order, so key() can index them");

constexpr std::string_view key(RootKey k) { return enum_name(kRootKeys, k); }
constexpr std::string_view key(LogKey k) { return enum_name(kLogKeys, k); }
constexpr std::string_view key(DoorKey k) { return enum_name(kDoorKeys, k); }
constexpr std::string_view key(SpaKey k) { return enum_name(kSpaKeys, k); }

}  // namespace sesame::toml_keys
