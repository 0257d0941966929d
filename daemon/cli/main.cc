// sesame: the command-line tool beside sesamed. One table of subcommands.
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
    {"import-knockd", "FILE", "print a knockd.conf as equivalent sesame TOML",
     sesame::cli::import_knockd},
    {"reload", "[-c FILE] PID", "make sesamed PID reload; exit 1 if it refused (ExecReload)",
     sesame::cli::reload},
    {"knock", "HOST PORT[:udp]...", "knock on HOST's ports, as knockd's `knock` client does",
     sesame::cli::knock},
};

int usage() {
  std::fputs("usage: sesame COMMAND [ARGS]\n", stderr);
  for (const Subcommand& s : kSubcommands)
    std::fprintf(stderr, "  sesame %-13.*s %-18.*s %.*s\n", static_cast<int>(s.name.size()),
                 s.name.data(), static_cast<int>(s.arguments.size()), s.arguments.data(),
                 static_cast<int>(s.summary.size()), s.summary.data());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string_view name = argv[1];
  for (const Subcommand& s : kSubcommands)
    if (s.name == name)
      return s.run(std::span<char* const>(argv + 2, static_cast<std::size_t>(argc - 2)));
  std::fprintf(stderr, "sesame: unknown command '%s'\n", argv[1]);
  return usage();
}
