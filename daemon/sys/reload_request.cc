// Asking sesamed for a reload and waiting for its answer.
#include "daemon/sys/reload_request.h"

#include <grp.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "core/str_cat.h"

namespace sesame {

std::expected<ReloadOutcome, SysError> request_reload(pid_t pid, uid_t uid, gid_t gid, int timeout_s) {
  // The answer is taken synchronously, never by a handler; blocked before it can come.
  sigset_t answers;
  sigemptyset(&answers);
  sigaddset(&answers, kReloadedSignal);
  sigaddset(&answers, kReloadRefusedSignal);
  if (sigprocmask(SIG_BLOCK, &answers, nullptr) != 0) return std::unexpected(sys_error("sigprocmask"));
  // sesamed's user: kill(2) lets a process signal one of its own real user, and
  // sesamed, which keeps no capability, answers only such a process.
  if (getuid() != uid || geteuid() != uid) {
    if (setgroups(0, nullptr) != 0) return std::unexpected(sys_error("setgroups"));
    if (setresgid(gid, gid, gid) != 0) return std::unexpected(sys_error("setresgid"));
    if (setresuid(uid, uid, uid) != 0) return std::unexpected(sys_error("setresuid"));
  }
  if (sigqueue(pid, SIGHUP, sigval{.sival_int = kReloadRequestToken}) != 0)
    return std::unexpected(sys_error(str_cat("send SIGHUP to pid ", std::to_string(pid))));
  timespec deadline{};
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_s;
  for (;;) {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    timespec left{deadline.tv_sec - now.tv_sec, deadline.tv_nsec - now.tv_nsec};
    if (left.tv_nsec < 0) {
      left.tv_nsec += 1'000'000'000;
      --left.tv_sec;
    }
    if (left.tv_sec < 0) return std::unexpected(SysError{str_cat("no answer from pid ", std::to_string(pid)), ETIMEDOUT});
    siginfo_t info{};
    const int got = sigtimedwait(&answers, &info, &left);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got < 0) return std::unexpected(sys_error("sigtimedwait"));
    // Only the asked process's answer counts.
    if (info.si_pid == pid) return got == kReloadedSignal;
  }
}

}  // namespace sesame
