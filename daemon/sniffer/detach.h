// Detach: knockd's -d, as a daemon should do it. The process forks before it starts a
// thread or the helper; the parent waits and exits 0 once the child is up (1 if the
// child died first), so an init script's exit status means something. The child leaves
// the terminal's session (setsid) and writes its pid file; its stdio goes to /dev/null
// before the privilege drop (quiet), and the parent is told once it is ready. When the
// child exits, its pid file is removed, as knockd's is (see keep_pid_file in detach.cc).
#pragma once

#include <expected>
#include <string>

#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

class Detached {
 public:
  // In the child: returns after fork and setsid, with the pid written to `pid_file`
  // (as root, before any privilege is dropped). The parent never returns. Fails, in
  // the process that called it, when fork, setsid or the pid file fails.
  static std::expected<Detached, SysError> detach(const std::string& pid_file);

  // stdin, stdout and stderr become /dev/null; before the privilege drop, as the
  // sandboxed process may not dup. Later errors go to the log only.
  void quiet();
  // The child is up: the parent exits 0 (a write and a close, allowed after the drop).
  void ready();

 private:
  Detached(UniqueFd to_parent, UniqueFd null, UniqueFd pid_file_keeper)
      : to_parent_(std::move(to_parent)), null_(std::move(null)), pid_file_keeper_(std::move(pid_file_keeper)) {}
  UniqueFd to_parent_;
  UniqueFd null_;
  // Open until this process exits: its end tells the keeper to remove the pid file.
  UniqueFd pid_file_keeper_;
};

}  // namespace sesame
