// disable_doors_that_cannot_run: a door whose command, or a program its shell line
// names by path, cannot run is disabled with its line; the others are left alone.
#include "core/config/machine_checks.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(MachineChecks, ShellLineProgramsAreCheckedToo) {
  Config c;
  c.firewall = FirewallBackend::kExec;
  c.doors.resize(3);
  c.doors[0].door.name = "plain";
  c.doors[0].exec.start = command_from_knockd("/sbin/iptables -A INPUT -s %IP% -j ACCEPT").command;
  c.doors[1].door.name = "shellOk";
  c.doors[1].exec.start = command_from_knockd("/sbin/iptables -A INPUT -s %IP% && /usr/bin/logger x").command;
  c.doors[2].door.name = "shellMissing";
  c.doors[2].line = 12;
  c.doors[2].exec.start = command_from_knockd("/sbin/iptables -A INPUT -s %IP% && /opt/gone/notify %IP%").command;
  for (ConfigDoor& d : c.doors) d.door.sequence = {{Protocol::kTcp, 7000}};
  const MachineProbe probe{
      .program = [](const std::string& p) { return p.starts_with("/opt/") ? std::string("is not installed") : ""; },
      .interface = [](const std::string&) { return std::string(); },
      .log_file = [](const std::string&) { return std::string(); }};
  disable_doors_that_cannot_run(c, "knockd.conf", probe);
  EXPECT_FALSE(c.doors[0].disabled);
  EXPECT_FALSE(c.doors[1].disabled);
  ASSERT_TRUE(c.doors[2].disabled);
  EXPECT_EQ(disabled_reason(c.doors[2]),
            "knockd.conf:12: shellMissing: door disabled: its start command runs /opt/gone/notify (in its shell "
            "line), which is not installed");
}

}  // namespace
}  // namespace sesame
