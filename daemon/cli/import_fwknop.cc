// sesame import-fwknop [-i IF] FILE: fwknop's access.conf rewritten once as sesame TOML,
// its keys unchanged, so the same clients open the same ports.
#include <cstdio>
#include <string>
#include <string_view>

#include "core/config/config_error.h"
#include "core/config/config_toml.h"
#include "core/config/fwknop_access.h"
#include "core/config/memory_files.h"
#include "daemon/cli/subcommands.h"
#include "daemon/sys/config_file.h"

namespace sesame::cli {

int import_fwknop(std::span<char* const> args) {
  std::string interface = "eth0";
  if (args.size() == 3 && std::string_view(args[0]) == "-i") {
    interface = args[1];
    args = args.subspan(2);
  }
  if (args.size() != 1) {
    std::fputs("usage: sesame import-fwknop [-i INTERFACE] ACCESS_CONF > sesame.toml\n", stderr);
    return 2;
  }
  const std::string path = args[0];
  const auto text = read_config_text(path);
  if (!text) {
    std::fputs(format_config_error(text.error()).c_str(), stderr);
    return 1;
  }
  const auto config = parse_fwknop_access(*text, path, interface);
  if (!config) {
    std::fputs(format_config_error(config.error()).c_str(), stderr);
    return 1;
  }
  const std::string toml = write_toml_config(*config);
  // What is printed must be what sesamed accepts.
  if (const auto check = parse_toml_config(toml, "(converted)", memory_files({})); !check) {
    std::fputs(format_config_error(check.error()).c_str(), stderr);
    return 1;
  }
  std::printf(
      "# Converted from %s by sesame import-fwknop: one SPA door per SOURCE stanza, the\n"
      "# same keys. Keep this file readable by root only (chmod 600): it holds them.\n"
      "# fwknop clients send to UDP port 62201, as before.\n\n%s",
      path.c_str(), toml.c_str());
  return 0;
}

}  // namespace sesame::cli
