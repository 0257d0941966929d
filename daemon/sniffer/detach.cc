// fork, setsid, a pid file (and its keeper), and a pipe over which the parent learns the outcome.
#include "daemon/sniffer/detach.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "core/str_cat.h"
#include "daemon/sys/privdrop.h"

namespace sesame {
namespace {

// Removes `pid_file` once the process with pid `daemon` has exited, however it exits:
// sesamed runs unprivileged by then and may not unlink in /run. The keeper is a root
// process holding nothing but the read end of a pipe whose write end (returned) only
// sesamed holds, close-on-exec so the helper does not inherit it, and with no
// capability: uid 0 alone may unlink in root's /run (a pid file in a directory root
// does not own stays, as the unlink fails). It is forked twice so that it is not
// sesamed's child: sesamed takes any SIGCHLD to mean its helper died.
std::expected<UniqueFd, SysError> keep_pid_file(const std::string& pid_file, pid_t daemon, int null) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return std::unexpected(sys_error("pipe2"));
  UniqueFd watch(pipe_fds[0]);
  UniqueFd held(pipe_fds[1]);
  const pid_t first = fork();
  if (first < 0) return std::unexpected(sys_error("fork"));
  if (first == 0) {
    if (fork() != 0) std::_Exit(0);
    if (!limit_capabilities({})) std::_Exit(1);
    // A stop that signals every process of the service (systemd's control group) must
    // not end the keeper before sesamed: the pipe alone says when.
    for (int s : {SIGTERM, SIGINT, SIGHUP}) signal(s, SIG_IGN);
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) dup2(null, fd);
    dup2(watch.get(), 3);
    closefrom(4);  // the pipe to the parent too, whose end of file says "died"
    char byte = 0;
    while (read(3, &byte, 1) < 0 && errno == EINTR) {
    }
    // Only if it still names sesamed: a later instance may have written its own.
    char text[32] = {};
    const UniqueFd file(open(pid_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (file && read(file.get(), text, sizeof text - 1) > 0 &&
        std::string_view(text) == str_cat(std::to_string(daemon), "\n"))
      unlink(pid_file.c_str());
    std::_Exit(0);
  }
  while (waitpid(first, nullptr, 0) < 0 && errno == EINTR) {
  }
  return held;
}

}  // namespace

std::expected<Detached, SysError> Detached::detach(const std::string& pid_file) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return std::unexpected(sys_error("pipe2"));
  UniqueFd from_child(pipe_fds[0]);
  UniqueFd to_parent(pipe_fds[1]);
  UniqueFd null(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null) return std::unexpected(sys_error("open /dev/null"));
  const pid_t pid = fork();
  if (pid < 0) return std::unexpected(sys_error("fork"));
  if (pid > 0) {
    // The parent: a byte means up; end of file, that the child died first.
    to_parent = UniqueFd();
    char byte = 0;
    ssize_t n;
    do n = read(from_child.get(), &byte, 1);
    while (n < 0 && errno == EINTR);
    if (n == 1) std::_Exit(0);
    std::fputs("sesamed: did not start (see its log)\n", stderr);
    std::_Exit(1);
  }
  from_child = UniqueFd();
  if (setsid() < 0) return std::unexpected(sys_error("setsid"));
  const std::string text = str_cat(std::to_string(getpid()), "\n");
  const UniqueFd file(open(pid_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!file || write(file.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return std::unexpected(sys_error(str_cat("pid file ", pid_file)));
  auto keeper = keep_pid_file(pid_file, getpid(), null.get());
  if (!keeper) return std::unexpected(keeper.error());
  return Detached(std::move(to_parent), std::move(null), std::move(*keeper));
}

void Detached::quiet() {
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) dup2(null_.get(), fd);
  null_ = UniqueFd();
}

void Detached::ready() {
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = write(to_parent_.get(), &byte, 1);
  to_parent_ = UniqueFd();
}

}  // namespace sesame
