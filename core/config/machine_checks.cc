// The checks against the machine, in the order start meets them.
#include "core/config/machine_checks.h"

#include <algorithm>
#include <array>
#include <iterator>

#include "core/str_cat.h"

namespace sesame {

void disable_doors_that_cannot_run(Config& config, std::string_view file, const MachineProbe& probe) {
  if (config.firewall != FirewallBackend::kExec) return;
  for (ConfigDoor& d : config.doors) {
    if (d.disabled) continue;
    const std::array<std::pair<const std::optional<CommandTemplate>*, std::string_view>, 4> commands{{
        {&d.exec.start, "start"}, {&d.exec.start6, "IPv6 start"}, {&d.exec.stop, "stop"}, {&d.exec.stop6, "IPv6 stop"}}};
    for (const auto& [command, what] : commands) {
      if (!*command || (*command)->argv.empty()) continue;
      const std::vector<std::string>& argv = (*command)->argv;
      std::vector<std::string> programs{argv[0]};
      // A knockd line run through the shell: also the programs it names by path.
      if (argv.size() == 3 && argv[0] == kShell && argv[1] == "-c")
        std::ranges::move(shell_line_programs(argv[2]), std::back_inserter(programs));
      for (const std::string& program : programs)
        if (const std::string why = probe.program(program); !why.empty()) {
          disable_door(d, ConfigError{std::string(file), d.line, 0, d.door.name,
                                      str_cat("door disabled: its ", what, " command runs ", program,
                                              program == argv[0] ? "" : " (in its shell line)", ", which ", why),
                                      ""});
          break;
        }
      if (d.disabled) break;
    }
  }
}

std::vector<ConfigError> start_problems(const Config& config, std::string_view file, const MachineProbe& probe) {
  std::vector<ConfigError> out;
  auto problem = [&](std::string field, std::string message) {
    out.push_back(ConfigError{std::string(file), 0, 0, std::move(field), std::move(message), ""});
  };
  for (const std::string& i : config.interfaces)
    if (const std::string why = probe.interface(i); !why.empty()) problem("Interface", why);
  if (!config.log.file.empty())
    if (const std::string why = probe.log_file(config.log.file); !why.empty())
      problem("LogFile", str_cat("cannot write ", config.log.file, ": ", why));
  if (working_doors(config) == 0) problem("", "no door can work (every door is disabled)");
  return out;
}

}  // namespace sesame
