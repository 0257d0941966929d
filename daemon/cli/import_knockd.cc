// sesame import-knockd FILE: a knockd.conf rewritten once as sesame TOML.
#include <cstdio>
#include <string>

#include "core/config/config_error.h"
#include "core/config/config_toml.h"
#include "daemon/cli/subcommands.h"
#include "daemon/sys/config_file.h"

namespace sesame::cli {

int import_knockd(std::span<char* const> args) {
  if (args.size() != 1) {
    std::fputs("usage: sesame import-knockd FILE > sesame.toml\n", stderr);
    return 2;
  }
  const std::string path = args[0];
  const auto parsed = load_config_file(path, ConfigFormat::kKnockd);
  if (!parsed) {
    std::fputs(format_config_error(parsed.error()).c_str(), stderr);
    return 1;
  }
  for (const ConfigError& w : parsed->warnings)
    std::fputs(format_config_warning(w).c_str(), stderr);
  std::printf(
      "# Converted from %s by sesame import-knockd. Each door runs its knockd commands\n"
      "# (firewall = \"exec\"); see sesame.toml.example for doors that ufw or nft open.\n\n%s",
      path.c_str(), write_toml_config(parsed->config).c_str());
  return 0;
}

}  // namespace sesame::cli
