// What a config needs from the machine it runs on (programs, interfaces, the log
// file), asked through a MachineProbe so that core does no I/O. One validation, run by
// `sesame check`, sesamed and sesame-helper alike (load_config_file): what check
// reports is what start does.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/config/config_error.h"

namespace sesame {

// Each answers why the thing cannot be used, or an empty string when it can.
struct MachineProbe {
  std::function<std::string(const std::string& program)> program;      // runnable (PATH as spawn's)
  std::function<std::string(const std::string& interface)> interface;  // present, a link type sesamed reads
  std::function<std::string(const std::string& path)> log_file;        // can be appended to (or created)
};

// Disables (disable_door) each exec-backend door a program of which `probe` says
// cannot run, with the program, the command and the door's line in `file`. A command
// run through /bin/sh -c is checked for /bin/sh and for the programs its line names by
// absolute path where a plain look can tell (shell_line_programs).
void disable_doors_that_cannot_run(Config& config, std::string_view file, const MachineProbe& probe);

// What stops every door, in `file`'s terms: an interface that is missing or of a link
// type sesamed cannot read, a log file that cannot be written, and no working door.
// Empty when sesamed can start.
std::vector<ConfigError> start_problems(const Config& config, std::string_view file, const MachineProbe& probe);

}  // namespace sesame
