// The exec backend's commands: %IP% expanded per word, the IPv6 command for an IPv6
// knocker, and which doors make a grant to close later.
#include "daemon/helper/exec.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sesame
