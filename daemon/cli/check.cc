// sesame check FILE: what sesamed would make of FILE, without starting it.
#include <cstdio>
#include <string>

#include "core/config/config_error.h"
#include "daemon/cli/subcommands.h"
#include "daemon/sys/config_file.h"
#include "daemon/sys/strict_modes.h"

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
  for (const ConfigError& w : parsed->warnings)
    std::fputs(format_config_warning(w).c_str(), stderr);
  std::printf("%s: %s, %s\n", path.c_str(), std::string(config_format_name(parsed->format)).c_str(),
              door_summary(parsed->config).c_str());
  return 0;
}

}  // namespace sesame::cli
