// posix_spawn with a pipe for the child's output: no shell, no inherited descriptors
// (every descriptor sesame opens is O_CLOEXEC), no inherited signal mask.
#include "daemon/helper/spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "core/str_cat.h"
#include "daemon/sys/unique_fd.h"

extern char** environ;

namespace sesame {
namespace {

// Output beyond this is read and dropped: a log line needs only the start.
constexpr std::size_t kMaxOutput = 4096;

// Owns the spawn attributes and file actions for the length of one call.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

std::expected<SpawnedCommand, SysError> spawn_command(const std::vector<std::string>& argv) {
  if (argv.empty()) return std::unexpected(SysError{"spawn: empty command", 0});
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return std::unexpected(sys_error("pipe2"));
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);

  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), 1);
  posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), 2);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setsigdefault(&setup.attr, &all);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // ufw is Python and reads LANG; PATH is fixed so the helper never runs what a
  // caller's PATH would pick.
  char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char lang[] = "LANG=C.UTF-8";
  char* env[] = {path, lang, nullptr};
  // Not found: posix_spawn fails below with ENOENT, naming argv[0].
  const std::string program = find_program(argv[0]).value_or(argv[0]);
  pid_t pid = 0;
  if (const int e = posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attr, args.data(), env); e != 0)
    return std::unexpected(SysError{str_cat("posix_spawn ", argv[0]), e});
  return SpawnedCommand{pid, std::move(read_end)};
}

void append_output(std::string& output, std::string_view more) {
  const std::size_t room = kMaxOutput - std::min(kMaxOutput, output.size());
  output.append(more.substr(0, room));
}

int exit_status(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

std::expected<SpawnResult, SysError> spawn_and_wait(const std::vector<std::string>& argv,
                                                    std::chrono::milliseconds timeout,
                                                    const WhileWaiting* meanwhile) {
  auto spawned = spawn_command(argv);
  if (!spawned) return std::unexpected(spawned.error());
  const pid_t pid = spawned->pid;
  const UniqueFd read_end = std::move(spawned->output);

  SpawnResult result;
  char buffer[1024];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd readable[2] = {{read_end.get(), POLLIN, 0}, {meanwhile ? meanwhile->fd : -1, POLLIN, 0}};
    const int ready = left.count() > 0 ? poll(readable, 2, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready > 0 && readable[1].revents != 0 && !meanwhile->ready()) meanwhile = nullptr;
    if (ready > 0 && readable[0].revents == 0) continue;
    if (ready == 0) {
      // The output stays open until every process of the group has gone: kill them all.
      kill(-pid, SIGKILL);
      result.timed_out = true;
      break;
    }
    const ssize_t n = read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    append_output(result.output, std::string_view(buffer, static_cast<std::size_t>(n)));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return std::unexpected(sys_error(str_cat("waitpid ", argv[0])));
  result.exit_status = exit_status(status);
  trim_output(result.output);
  return result;
}

void trim_output(std::string& output) {
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
}

}  // namespace sesame
