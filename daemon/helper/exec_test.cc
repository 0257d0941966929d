// The exec backend's commands: %IP% expanded per word, the IPv6 command for an IPv6
// knocker, and which doors make a grant to close later.
#include "daemon/helper/exec.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sesame {
namespace {

using Argv = std::vector<std::string>;

TEST(Exec, StartAndStopArgvPerFamily) {
  ConfigDoor d;
  d.exec.start = CommandTemplate{{"iptables", "-I", "INPUT", "-s", "%IP%", "-j", "ACCEPT"}};
  d.exec.start6 = CommandTemplate{{"ip6tables", "-I", "INPUT", "-s", "%IP%/128", "-j", "ACCEPT"}};
  d.exec.stop = CommandTemplate{{"iptables", "-D", "INPUT", "-s", "%IP%", "-j", "ACCEPT"}};
  const Address v4 = *Address::parse("198.18.0.2");
  const Address v6 = *Address::parse("2001:2::2");
  EXPECT_EQ(exec_start_argv(d, v4), (Argv{"iptables", "-I", "INPUT", "-s", "198.18.0.2", "-j", "ACCEPT"}));
  EXPECT_EQ(exec_start_argv(d, v6), (Argv{"ip6tables", "-I", "INPUT", "-s", "2001:2::2/128", "-j", "ACCEPT"}));
  EXPECT_EQ(exec_stop_argv(d, v4), (Argv{"iptables", "-D", "INPUT", "-s", "198.18.0.2", "-j", "ACCEPT"}));
  // No stop6: the IPv4 stop command, as knockd does.
  EXPECT_EQ(exec_stop_argv(d, v6), (Argv{"iptables", "-D", "INPUT", "-s", "2001:2::2", "-j", "ACCEPT"}));

  Config c;
  c.firewall = FirewallBackend::kExec;
  c.log = Logging{.syslog = false, .to_stderr = false, .file = "", .ident = ""};
  c.doors = {d, d};
  c.doors[1].exec.stop.reset();
  c.doors[1].exec.stop6 = CommandTemplate{{"ip6tables", "-D", "INPUT"}};
  auto log = Log::open(c.log, false);
  ASSERT_TRUE(log.has_value());
  const ExecBackend backend(c, *log);
  EXPECT_TRUE(backend.tracks(0, v4));
  EXPECT_FALSE(backend.tracks(1, v4));  // no stop command for IPv4: runs start, nothing to close
  EXPECT_TRUE(backend.tracks(1, v6));
  EXPECT_EQ(backend.programs(), (Argv{"iptables", "ip6tables", "iptables", "iptables", "ip6tables", "ip6tables"}));
  c.doors[1].exec.stop6 = CommandTemplate{{"sesame-no-such-command", "%IP%"}};
  EXPECT_EQ(ExecBackend(c, *log).missing_program(), "sesame-no-such-command");
}

// A door's command_timeout kills its hung command, and says so; another door's command
// runs meanwhile, not after it.
TEST(Exec, CommandTimeoutPerDoorKillsWithoutDelayingOtherDoors) {
  char templ[] = "/tmp/sesame-exec-XXXXXX";
  ASSERT_NE(mkdtemp(templ), nullptr);
  const std::string dir = templ;
  Config c;
  c.firewall = FirewallBackend::kExec;
  c.log = Logging{.syslog = false, .to_stderr = false, .file = dir + "/log", .ident = ""};
  c.doors.resize(2);
  c.doors[0].door.name = "hung";
  c.doors[0].exec.start = CommandTemplate{{"/bin/sleep", "30"}};
  c.doors[0].exec.timeout = 1;
  c.doors[1].door.name = "quick";
  c.doors[1].exec.start = CommandTemplate{{"/bin/touch", dir + "/quick-ran"}};
  auto log = Log::open(c.log, false);
  ASSERT_TRUE(log.has_value());
  ExecBackend backend(c, *log);
  const Address source = *Address::parse("198.18.0.2");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(backend.open(0, GrantRecord{.backend = FirewallBackend::kExec, .source = source, .ports = {}, .deadline = {}, .door = "hung"}, {}));
  ASSERT_TRUE(backend.open(1, GrantRecord{.backend = FirewallBackend::kExec, .source = source, .ports = {}, .deadline = {}, .door = "quick"}, {}));
  // The quick door's command ends well before the hung one's timeout.
  while (!std::filesystem::exists(dir + "/quick-ran")) {
    ASSERT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
    backend.reap();
    const timespec pause{0, 5'000'000};
    nanosleep(&pause, nullptr);
  }
  backend.stop(false);  // waits for the kill
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(1000));
  EXPECT_LT(took, std::chrono::milliseconds(5000));  // not sleep's 30 s, nor the 10 s default
  std::stringstream text;
  text << std::ifstream(dir + "/log").rdbuf();
  EXPECT_NE(text.str().find("error: hung: /bin/sleep 30 did not finish in 1 s (command_timeout) and was killed"),
            std::string::npos)
      << text.str();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sesame
