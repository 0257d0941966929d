// fork, setsid, a pid file, and a pipe over which the parent learns the outcome.
#include "daemon/sniffer/detach.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "core/str_cat.h"

namespace sesame {

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
  return Detached(std::move(to_parent), std::move(null));
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
