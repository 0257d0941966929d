// Spawn: runs a command given as argv (never through a shell) and collects what it said.
#pragma once

#include <chrono>
#include <functional>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "daemon/sys/machine_probe.h"  // find_program
#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

struct SpawnResult {
  int exit_status = 0;     // the exit code, or 128 + signal number if a signal ended it
  std::string output;      // stdout and stderr together, at most a few KiB kept
  bool timed_out = false;  // killed (SIGKILL, with everything it started) at the timeout
};

// Runs argv[0] (searched on a fixed PATH, /usr/sbin:/usr/bin:/sbin:/bin, when it has no
// '/') with argv, stdin /dev/null, a minimal environment, and every signal at its
// default, in a process group of its own; waits for it, at most `timeout`: then the
// whole group is killed, since a hung firewall command must not stop the helper from
// closing grants. Fails only when it could not be started (or waited for).
// `meanwhile`, if given: its fd is polled beside the command's output, and ready()
// called each time it is readable, until ready() returns false (the helper reads the
// sniffer's socket into its queue during a slow ufw call).
struct WhileWaiting {
  int fd = -1;
  std::function<bool()> ready;
};
std::expected<SpawnResult, SysError> spawn_and_wait(const std::vector<std::string>& argv,
                                                    std::chrono::milliseconds timeout,
                                                    const WhileWaiting* meanwhile = nullptr);

// A command started but not waited for: its pid (leader of its own process group) and
// the read end of the pipe its stdout and stderr go to.
struct SpawnedCommand {
  pid_t pid = -1;
  UniqueFd output;
};
// Starts argv exactly as spawn_and_wait does and returns without waiting. Fails only
// when it could not be started.
std::expected<SpawnedCommand, SysError> spawn_command(const std::vector<std::string>& argv);

// What SpawnResult keeps of a command's output and status, for whoever waits itself:
// `more` appended up to the few KiB kept; the exit code (or 128 + signal) from a
// waitpid status; trailing newlines and blanks removed.
void append_output(std::string& output, std::string_view more);
int exit_status(int wait_status);
void trim_output(std::string& output);

}  // namespace sesame
