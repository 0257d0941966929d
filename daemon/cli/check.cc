// sesame check FILE: what sesamed would make of FILE, without starting it. It loads the
// file as sesamed and sesame-helper do and asks the machine what start asks it, so its
// answer is start's: each door that cannot work, each door that runs a shell, and what
// would stop sesamed altogether.
#include <cstdio>
#include <string>

#include "core/config/config_error.h"
#include "core/config/machine_checks.h"
#include "daemon/cli/subcommands.h"
#include "daemon/sys/config_file.h"
#include "daemon/sys/strict_modes.h"
#include "daemon/sys/machine_probe.h"

namespace sesame::cli {

int check(std::span<char* const> args) {
  if (args.size() != 1) {
    std::fputs("usage: sesame check FILE\n", stderr);
    return 2;
  }
  const std::string path = args[0];
  const auto parsed = load_config_file(path);
  if (!parsed) {
    std::fputs(format_config_error(parsed.error()).c_str(), stderr);
    return 1;
  }
  // sesamed and the helper refuse such a file; so does the check.
  if (auto refusal = strict_modes_refusal(path, parsed->config)) {
    std::fputs(format_config_error(*refusal).c_str(), stderr);
    return 1;
  }
  // Warnings include each command that runs through /bin/sh -c, with its line.
  for (const ConfigError& w : parsed->warnings) std::fputs(format_config_warning(w).c_str(), stderr);
  for (const ConfigDoor& d : parsed->config.doors)
    if (d.disabled) std::fputs(format_config_error(*d.disabled).c_str(), stderr);
  const auto problems = start_problems(parsed->config, path, machine_probe());
  for (const ConfigError& e : problems) std::fputs(format_config_error(e).c_str(), stderr);
  std::printf("%s: %s, %s\n", path.c_str(), std::string(config_format_name(parsed->format)).c_str(),
              door_summary(parsed->config).c_str());
  if (!problems.empty()) {
    std::printf("%s: sesamed would not start\n", path.c_str());
    return 1;
  }
  const std::size_t working = working_doors(parsed->config);
  if (working != parsed->config.doors.size()) {
    std::printf("%s: sesamed would start with %zu of %zu doors\n", path.c_str(), working, parsed->config.doors.size());
    return 1;
  }
  return 0;
}

}  // namespace sesame::cli
