// The MachineProbe that asks the running system: programs on spawn's fixed PATH,
// interfaces by name and link type, the log file by opening it for appending.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "core/config/machine_checks.h"

namespace sesame {

// The file `program` names: itself when it has a '/', else the first executable of
// that name on the fixed PATH spawn_and_wait searches (/usr/sbin:/usr/bin:/sbin:/bin);
// nullopt if there is none.
std::optional<std::string> find_program(const std::string& program);

// How the frames of an interface begin, as an AF_PACKET SOCK_RAW socket sees them.
enum class LinkFraming : std::uint8_t {
  kEthernet,  // Ethernet (VLAN tags included) and loopback
  kIp,        // no link header: tun, WireGuard (ARPHRD_NONE), ppp, raw IP
};

// The framing of interface `name`, or why sesamed cannot listen there (missing, or a
// link type whose frames it does not read).
std::expected<LinkFraming, std::string> interface_framing(const std::string& name);
// interface_framing's reason, empty when sesamed can listen on `name`.
std::string interface_problem(const std::string& name);

MachineProbe machine_probe();

}  // namespace sesame
