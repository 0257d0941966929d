// sesame: the command-line tool beside sesamed. One table of subcommands. Invoked as
// `knock` (a symlink), it is `sesame knock`, so scripts that call knockd's client work.
#include <cstdio>
#include <span>
#include <string_view>

#include "daemon/cli/subcommands.h"

namespace {

struct Subcommand {
  std::string_view name;
  std::string_view arguments;
  std::string_view summary;
  int (*run)(std::span<char* const> args);
};

constexpr Subcommand kSubcommands[] = {
    {"check", "FILE", "check a sesame TOML or knockd.conf file; summarize its doors",
     sesame::cli::check},
    {"decode-spa", "KEYS... PAYLOAD",
     "check and decode one fwknop SPA payload; print its fields", sesame::cli::decode_spa},
    {"import-fwknop", "[-i IF] FILE", "print fwknop's access.conf as SPA doors in sesame TOML",
     sesame::cli::import_fwknop},
    {"import-knockd", "FILE", "print a knockd.conf as equivalent sesame TOML",
     sesame::cli::import_knockd},
    {"reload", "[-c FILE] PID", "make sesamed PID reload; exit 1 if it refused (ExecReload)",
     sesame::cli::reload},
    {"knock", "HOST PORT[:udp]...", "knock on HOST's ports, as knockd's `knock` client does",
     sesame::cli::knock},
};

int usage() {
  std::fputs("usage: sesame COMMAND [ARGS]   (sesame --version; as `knock`, sesame knock)\n", stderr);
  for (const Subcommand& s : kSubcommands)
    std::fprintf(stderr, "  sesame %-13.*s %-18.*s %.*s\n", static_cast<int>(s.name.size()),
                 s.name.data(), static_cast<int>(s.arguments.size()), s.arguments.data(),
                 static_cast<int>(s.summary.size()), s.summary.data());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view invoked = argc > 0 ? argv[0] : "";
  if (invoked.substr(invoked.rfind('/') + 1) == "knock")
    return sesame::cli::knock(std::span<char* const>(argv + 1, static_cast<std::size_t>(argc - 1)));
  if (argc < 2) return usage();
  const std::string_view name = argv[1];
  if (name == "--version" || name == "-V") {
    std::printf("sesame %s\n", SESAME_VERSION);
    return 0;
  }
  for (const Subcommand& s : kSubcommands)
    if (s.name == name)
      return s.run(std::span<char* const>(argv + 2, static_cast<std::size_t>(argc - 2)));
  std::fprintf(stderr, "sesame: unknown command '%s'\n", argv[1]);
  return usage();
}
