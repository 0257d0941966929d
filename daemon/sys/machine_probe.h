// The MachineProbe that asks the running system: programs on spawn's fixed PATH,
// interfaces by name and link type, the log file by opening it for appending.
#pragma once

#include <optional>
#include <string>

#include "core/config/machine_checks.h"

namespace sesame {

// The file `program` names: itself when it has a '/', else the first executable of
// that name on the fixed PATH spawn_and_wait searches (/usr/sbin:/usr/bin:/sbin:/bin);
// nullopt if there is none.
std::optional<std::string> find_program(const std::string& program);

// Why sesamed cannot listen on interface `name` (missing, or a link type whose frames
// it does not read), empty when it can.
std::string interface_problem(const std::string& name);

MachineProbe machine_probe();

}  // namespace sesame
