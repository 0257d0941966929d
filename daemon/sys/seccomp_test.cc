#include "daemon/sys/seccomp.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>

namespace sesame {
namespace {

// Each case runs in a child (gtest's death test): the filters cannot be taken back.
void sniffer_filter() {
  ASSERT_EQ(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
  ASSERT_TRUE(restrict_sniffer_syscalls().has_value());
}

void helper_filter() {
  ASSERT_EQ(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
  ASSERT_TRUE(restrict_helper_syscalls().has_value());
}

TEST(SnifferSeccomp, LocalSocketsAndReadingStillWork) {
  EXPECT_EXIT(
      ([] {
        sniffer_filter();
        const int unix_socket = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        const int file = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
        char buffer[16];
        _exit(unix_socket >= 0 && file >= 0 && read(file, buffer, sizeof buffer) > 0 ? 0 : 1);
      }()),
      ::testing::ExitedWithCode(0), "");
}

TEST(SnifferSeccomp, NetworkSocketKills) {
  EXPECT_EXIT(
      ([] {
        sniffer_filter();
        socket(AF_INET, SOCK_DGRAM, 0);
        _exit(0);
      }()),
      ::testing::KilledBySignal(SIGSYS), "");
}

TEST(SnifferSeccomp, SignalsOnlyToItself) {
  EXPECT_EXIT(
      ([] {
        sniffer_filter();
        // Signal 0 checks only: allowed for itself.
        _exit(kill(getpid(), 0) == 0 ? 0 : 1);
      }()),
      ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(
      ([] {
        sniffer_filter();
        kill(getppid(), 0);  // the helper is the sniffer's child, the test runner its parent
        _exit(0);
      }()),
      ::testing::KilledBySignal(SIGSYS), "");
  EXPECT_EXIT(
      ([] {
        sniffer_filter();
        kill(1, 0);
        _exit(0);
      }()),
      ::testing::KilledBySignal(SIGSYS), "");
  // The answer to `sesame reload` may go to another process (here a pid nobody has).
  EXPECT_EXIT(
      ([] {
        sniffer_filter();
        _exit(kill(0x3fffffff, SIGUSR1) == -1 && errno == ESRCH && kill(0x3fffffff, SIGUSR2) == -1 ? 0 : 1);
      }()),
      ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(
      ([] {
        sniffer_filter();
        kill(0x3fffffff, SIGTERM);
        _exit(0);
      }()),
      ::testing::KilledBySignal(SIGSYS), "");
}

TEST(SnifferSeccomp, OpeningForWritingKills) {
  EXPECT_EXIT(
      ([] {
        sniffer_filter();
        open("/dev/null", O_WRONLY);
        _exit(0);
      }()),
      ::testing::KilledBySignal(SIGSYS), "");
}

TEST(SnifferSeccomp, ExecutableMemoryKills) {
  EXPECT_EXIT(
      ([] {
        sniffer_filter();
        mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        _exit(0);
      }()),
      ::testing::KilledBySignal(SIGSYS), "");
}

TEST(SnifferSeccomp, ExecKills) {
  EXPECT_EXIT(
      ([] {
        sniffer_filter();
        char* const argv[] = {const_cast<char*>("true"), nullptr};
        execv("/bin/true", argv);
        _exit(0);
      }()),
      ::testing::KilledBySignal(SIGSYS), "");
}

// The wait status of a child that runs /bin/true (exec) or calls unshare, as the
// helper's commands would, under the helper's filter.
int child_status(bool exec_true) {
  const pid_t child = fork();
  if (child == 0) {
    if (exec_true) {
      char* const argv[] = {const_cast<char*>("true"), nullptr};
      execv("/bin/true", argv);
      _exit(127);
    }
    unshare(0);
    _exit(0);
  }
  int status = 0;
  return waitpid(child, &status, 0) == child ? status : -1;
}

TEST(HelperSeccomp, CommandsStillRun) {
  EXPECT_EXIT(
      ([] {
        helper_filter();
        const int status = child_status(true);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
      }()),
      ::testing::ExitedWithCode(0), "");
}

TEST(HelperSeccomp, NamespacesKill) {
  EXPECT_EXIT(
      ([] {
        helper_filter();
        unshare(0);
        _exit(0);
      }()),
      ::testing::KilledBySignal(SIGSYS), "");
}

TEST(HelperSeccomp, CommandsInheritTheFilter) {
  EXPECT_EXIT(
      ([] {
        helper_filter();
        // A child the helper runs is bound the same way: unshare kills it, not us.
        const int status = child_status(false);
        _exit(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS ? 0 : 1);
      }()),
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace sesame
