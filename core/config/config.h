// Config: everything sesame reads from its configuration file, whichever format it was
// written in, and the list of doors the matcher is built from.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config/command_template.h"
#include "core/config/config_error.h"
#include "core/door.h"
#include "core/enum_names.h"
#include "core/matching_rules.h"
#include "core/spa/spa_door.h"

namespace sesame {

// How a door is opened for a knocker.
enum class FirewallBackend : std::uint8_t {
  kUfw,   // ufw allow from SOURCE to any port P proto PROTO (and delete to close)
  kNft,   // an element added to (and removed from) sesame's own nftables set
  kExec,  // the door's start/stop commands, as knockd runs them
};

// The one list of names, as the TOML file writes them; entry i names value i (checked below).
inline constexpr std::array<EnumName<FirewallBackend>, 3> kFirewallBackendNames{{
    {FirewallBackend::kUfw, "ufw"},
    {FirewallBackend::kNft, "nft"},
    {FirewallBackend::kExec, "exec"},
}};

static_assert(names_in_value_order(kFirewallBackendNames),
              "kFirewallBackendNames must list every FirewallBackend in value order");

constexpr std::string_view firewall_backend_name(FirewallBackend b) {
  return enum_name(kFirewallBackendNames, b);
}
// Nullopt for a name not in kFirewallBackendNames.
constexpr std::optional<FirewallBackend> firewall_backend_from_name(std::string_view name) {
  return enum_from_name(kFirewallBackendNames, name);
}

struct Logging {
  bool syslog = true;
  bool to_stderr = false;
  std::string file;  // appended to; empty: no log file
  // The syslog tag ("knockd" keeps rules keyed on knockd's tag matching); empty: each
  // process's own name (sesamed, sesame-helper).
  std::string ident;
  friend bool operator==(const Logging&, const Logging&) = default;
};

// A door command still running this long after it started is killed with its process
// group (and that is logged): knockd never kills one, but a hung command would hold a
// slot of the helper's pool for ever.
inline constexpr std::uint32_t kDefaultCommandTimeout = 10;  // seconds

// knockd's start and stop commands, run by the exec backend. An IPv6 knocker gets the
// _6 command, or the IPv4 one when there is no _6 command (as in knockd).
struct ExecCommands {
  std::optional<CommandTemplate> start;
  std::optional<CommandTemplate> start6;
  std::optional<CommandTemplate> stop;
  std::optional<CommandTemplate> stop6;
  // Seconds each of them may run (TOML command_timeout; knockd.conf has no key for it,
  // its Cmd_Timeout is open_for).
  std::uint32_t timeout = kDefaultCommandTimeout;

  // Null when there is nothing to run for a knocker of that family. As in knockd, a
  // stop command runs only after a start command did.
  const CommandTemplate* start_for(bool ipv6) const;
  const CommandTemplate* stop_for(bool ipv6) const;
  bool has_stop() const { return stop || stop6; }
  friend bool operator==(const ExecCommands&, const ExecCommands&) = default;
};

struct ConfigDoor {
  // What the matcher needs. For a one-time door, sequence is the file's current one.
  Door door;
  // Knocked by the same source, closes what the open sequence opened. Empty: none.
  std::vector<KnockStep> close_sequence;
  // knockd's One_Time_Sequences file; empty for a door with a fixed sequence.
  std::string one_time_sequences;
  // ufw and nft: the ports opened to the knocking source address only.
  std::vector<KnockStep> open_ports;
  // Seconds after opening at which the door closes again (knockd's Cmd_Timeout, which
  // knockd applies only when there is a stop command). Nullopt: stays open until the
  // close sequence, or Config::max_grant_lifetime at the latest.
  std::optional<std::uint32_t> open_for;
  ExecCommands exec;  // exec backend only
  // An SPA door: opened by one authenticated fwknop packet, not by a knock sequence (it
  // has none). open_ports are the ports a packet may ask for, open_for the time when
  // the packet names none.
  std::optional<SpaDoor> spa;
  // Knocks from link-local sources (169.254.0.0/16, fe80::/10) count for this door;
  // off by default, as a router never forwards them (core/source_check.h).
  bool allow_link_local = false;
  // Where the door is written (its knockd section or [[door]] line), for messages.
  std::size_t line = 0;
  // Set for a door that cannot work (its one-time file is used up or unreadable, a
  // program it runs is missing): why, located in the file. Its sequence is then empty,
  // so it never matches, and the other doors keep their indices and work.
  std::optional<ConfigError> disabled;
};

// Knock sources tracked at once by default: 512 Ki slots of 32 bytes, 16 MiB, which the
// table grows into only as sources arrive and a flood from enough sources fills; with
// the rings and the processes that keeps sesamed and its helper under 32 MiB resident
// (bench/README.md, flood benchmark).
inline constexpr std::size_t kDefaultTableCapacity = std::size_t{1} << 19;
// Blocks of 128 KiB in each packet ring (one per interface and worker): 2 MiB, the
// kernel's slack for a worker that falls behind, resident from the start.
inline constexpr std::uint32_t kDefaultRingBlocks = 16;
inline constexpr std::uint32_t kMaxRingBlocks = 1024;
inline constexpr std::string_view kDefaultUser = "sesame";
// Every grant ends: one whose door has no open_for closes after this long (12 h) at
// the latest, even without its close sequence.
inline constexpr std::uint32_t kDefaultMaxGrantLifetime = 12 * 3600;
// Open grants per door; a new one beyond closes the door's oldest. The helper also
// keeps each door below its share of the 4096 grants it holds in all.
inline constexpr std::uint32_t kDefaultMaxGrantsPerDoor = 1024;

struct Config {
  std::vector<std::string> interfaces;  // to listen on
  std::string user{kDefaultUser};       // sesamed runs as this user after setup
  Logging log;
  std::size_t table_capacity = kDefaultTableCapacity;
  std::uint32_t workers = 1;
  std::uint32_t ring_blocks = kDefaultRingBlocks;
  FirewallBackend firewall = FirewallBackend::kUfw;
  // On a clean shutdown, grants with an open_for stay open until it ends, and the next
  // start takes them back (those it finds expired, it closes). Grants without one are
  // closed either way. With ufw and exec, a kept grant closes only when sesame runs
  // again; nft's kernel timeouts close it on time.
  bool keep_grants_on_shutdown = false;
  // Frames tagged with a VLAN ID the host has no VLAN interface for on the listened
  // device count as knocks too (the kernel delivers them to no other socket).
  bool any_vlan = false;
  std::uint32_t max_grant_lifetime = kDefaultMaxGrantLifetime;  // seconds
  std::uint32_t max_grants_per_door = kDefaultMaxGrantsPerDoor;
  // The helper's per-address open limit counts an IPv6 knocker by this prefix (/64:
  // what one host is commonly given).
  std::uint8_t ipv6_limit_prefix = 64;
  std::vector<ConfigDoor> doors;
  // knockd's rules exactly, or with the robust rules (core/matcher.h R8-R10). Also for
  // a knockd.conf, which has no such option; sesamed --knockd-exact sets kKnockd.
  MatchingRules matching = MatchingRules::kRobust;
};

// The two formats a config file can be written in.
enum class ConfigFormat : std::uint8_t { kToml, kKnockd };

inline constexpr std::array<EnumName<ConfigFormat>, 2> kConfigFormatNames{{
    {ConfigFormat::kToml, "TOML"},
    {ConfigFormat::kKnockd, "knockd.conf"},
}};

static_assert(names_in_value_order(kConfigFormatNames),
              "kConfigFormatNames must list every ConfigFormat in value order");

constexpr std::string_view config_format_name(ConfigFormat f) {
  return enum_name(kConfigFormatNames, f);
}

// A parser's result: the config, the format it was read from, and the lines it
// accepted but wants read again (a knockd command that needs a shell, an option
// sesame ignores).
struct ParsedConfig {
  Config config;
  ConfigFormat format = ConfigFormat::kToml;
  std::vector<ConfigError> warnings;
  // knockd.conf commands that run through /bin/sh -c (also among warnings).
  std::vector<ConfigError> shell_commands;
  // config_generation() of the file's bytes (set by load_config_file).
  std::uint32_t generation = 0;
};

// What a matcher door does when its sequence completes.
enum class DoorAction : std::uint8_t { kOpen, kClose };

inline constexpr std::array<EnumName<DoorAction>, 2> kDoorActionNames{{
    {DoorAction::kOpen, "open"},
    {DoorAction::kClose, "close"},
}};

static_assert(names_in_value_order(kDoorActionNames),
              "kDoorActionNames must list every DoorAction in value order");

constexpr std::string_view door_action_name(DoorAction a) {
  return enum_name(kDoorActionNames, a);
}

struct MatcherDoorOrigin {
  std::size_t config_door;  // index into Config::doors
  DoorAction action;
};

// The doors Matcher::build takes, and for each the config door and action it stands for
// (same index). The sniffer reports "matcher door N matched for address A"; the helper,
// reading the same file, derives the same list and so the same meaning for N.
struct MatcherDoors {
  std::vector<Door> doors;
  std::vector<MatcherDoorOrigin> origins;
  MatchingRules rules = MatchingRules::kRobust;
};

// Config door i gives its open door, then its close door if it has a close sequence,
// in config order; SPA doors have no sequence and give none; a disabled door's doors have empty sequences (they never match). A close door shares the open door's seq_timeout, TCP flags and
// target, and is named "<name>/close".
MatcherDoors matcher_doors(const Config& config);

// "3 doors: openSSH 7000,8000,9000; ssh 7000,8000,9000 close 9000,8000,7000": one line.
// A disabled door shows as "NAME disabled".
std::string door_summary(const Config& config);

// Disables config door `door` for `why`: empties its sequence (matcher_doors gives its
// close door, if any, an empty one too).
void disable_door(ConfigDoor& door, ConfigError why);

// How many doors are not disabled.
std::size_t working_doors(const Config& config);

// Why `door` is disabled, "FILE:LINE: FIELD: MESSAGE" on one line; empty if it is not.
std::string disabled_reason(const ConfigDoor& door);
// "1 door disabled: openHTTPS (/etc/knockd.conf:16: ...)", one line; empty when none is.
std::string disabled_doors_summary(const Config& config);

}  // namespace sesame
