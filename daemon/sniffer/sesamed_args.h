// SesamedArgs: sesamed's command line, and how it overrides the config file.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"

namespace sesame {

// Where `make install` puts the example config on a first install (SESAME_CONFIG_PATH).
inline constexpr std::string_view kDefaultConfigPath = SESAME_CONFIG_PATH;
// Where `make install` puts sesame-helper (SESAME_HELPER_PATH, set by CMake).
inline constexpr std::string_view kDefaultHelperPath = SESAME_HELPER_PATH;
inline constexpr std::string_view kDefaultStateDir = "/var/lib/sesame";
inline constexpr std::string_view kDefaultPidFile = "/run/sesamed.pid";
// More workers than this is a typo, not a machine.
inline constexpr std::uint32_t kMaxWorkers = 256;

struct SesamedArgs {
  std::string config_path{kDefaultConfigPath};  // -c: sesame TOML or knockd.conf
  std::vector<std::string> interfaces;         // -i, repeatable: replaces the config's
  bool ipv4_only = false;                      // -4: ignore IPv6 (knockd's --only-ip-v4)
  bool dry_run = false;                        // --dry-run: log matches, change nothing
  std::optional<std::string> user;             // -u
  std::optional<std::uint32_t> workers;        // -w
  std::string helper_path{kDefaultHelperPath};  // --helper: the sesame-helper to start
  std::string state_dir{kDefaultStateDir};      // --state-dir: the helper's journal
  bool verbose = false;                        // -v: also log to stderr, and wrong knocks
  bool knockd_exact = false;                   // --knockd-exact: matching = "knockd"
  bool debug = false;                          // -D: knockd's debug: -v and per-packet lines
  bool daemon = false;                         // -d: detach
  std::string pid_file{kDefaultPidFile};       // -p: with -d
  std::optional<std::string> log_file;         // -g: replaces the config's LogFile
  bool lookup = false;                         // -l: accepted, never resolves names
  bool version = false;                        // -V
  bool help = false;                           // -h
};

// Parses argv after the program name as knockd's getopt_long does (clusters, -cFILE,
// --config=FILE, unambiguous long prefixes, "--"). Fails with a message naming the bad
// argument.
std::expected<SesamedArgs, std::string> parse_sesamed_args(std::span<const std::string_view> args);

// The usage text, ending in a newline.
std::string sesamed_usage();
// "sesamed 0.1.0 (...)\n"
std::string sesamed_version();

// The command line wins over the file: interfaces, user, workers, matching and the log file.
void apply_args(const SesamedArgs& args, Config& config);

}  // namespace sesame
