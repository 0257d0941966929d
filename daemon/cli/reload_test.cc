// sesame reload: what it refuses before sending anything, and the answer it waits for,
// from a child that plays sesamed (same user, so no privilege is needed).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "daemon/cli/subcommands.h"
#include "daemon/sys/reload_request.h"

namespace sesame {
namespace {

int run_reload(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return cli::reload(argv);
}

TEST(SesameReload, UsageErrorsSendNothing) {
  EXPECT_EQ(run_reload({}), 2);
  EXPECT_EQ(run_reload({"12x"}), 2);
  EXPECT_EQ(run_reload({"1"}), 2);  // never init
  EXPECT_EQ(run_reload({"-c"}), 2);
  EXPECT_EQ(run_reload({"-x", "f", "123"}), 2);
}

// A child answers the request as sesamed does: refused once, then reloaded.
TEST(SesameReload, TheAnswerIsTheExitStatus) {
  for (const int answer : {kReloadRefusedSignal, kReloadedSignal}) {
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    ASSERT_EQ(sigprocmask(SIG_BLOCK, &hup, nullptr), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      siginfo_t info{};
      const timespec wait{10, 0};
      if (sigtimedwait(&hup, &info, &wait) != SIGHUP || info.si_code != SI_QUEUE ||
          info.si_value.sival_int != kReloadRequestToken)
        _exit(1);
      kill(info.si_pid, answer);
      _exit(0);
    }
    sigprocmask(SIG_UNBLOCK, &hup, nullptr);
    EXPECT_EQ(run_reload({std::to_string(child)}), answer == kReloadedSignal ? 0 : 1);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
}

}  // namespace
}  // namespace sesame
