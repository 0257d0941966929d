// sesamed's command line.
#include "daemon/sniffer/sesamed_args.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace sesame {
namespace {

std::expected<SesamedArgs, std::string> parse(std::vector<std::string_view> args) {
  return parse_sesamed_args(args);
}

TEST(SesamedArgs, DefaultsToTheSystemConfigAndTheFirewall) {
  const auto a = parse({});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->config_path, kDefaultConfigPath);
  EXPECT_FALSE(a->dry_run);
  EXPECT_FALSE(a->ipv4_only);
  EXPECT_TRUE(a->interfaces.empty());
  EXPECT_EQ(a->helper_path, kDefaultHelperPath);
  EXPECT_EQ(a->state_dir, kDefaultStateDir);
}

TEST(SesamedArgs, ReadsEveryOption) {
  const auto a = parse({"-c", "/etc/knockd.conf", "-i", "eth0", "--interface", "eth1", "-4", "--dry-run",
                        "-u", "nobody", "-w", "4", "-v", "--helper", "/tmp/sesame-helper", "--state-dir",
                        "/tmp/state", "--knockd-exact"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->config_path, "/etc/knockd.conf");
  EXPECT_EQ(a->interfaces, (std::vector<std::string>{"eth0", "eth1"}));
  EXPECT_TRUE(a->ipv4_only);
  EXPECT_TRUE(a->dry_run);
  EXPECT_EQ(a->user, "nobody");
  EXPECT_EQ(a->workers, 4u);
  EXPECT_TRUE(a->verbose);
  EXPECT_EQ(a->helper_path, "/tmp/sesame-helper");
  EXPECT_EQ(a->state_dir, "/tmp/state");
  EXPECT_TRUE(a->knockd_exact);
}

// knockd 0.8's options, in every form its getopt_long reads (Debian's init script passes -d).
TEST(SesamedArgs, ReadsKnockdsOptionsInEveryGetoptForm) {
  const auto a = parse({"-vDdl4", "-cknockd.conf", "-i", "eth1", "-p/run/k.pid", "-g", "/var/log/k.log"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_TRUE(a->verbose && a->debug && a->daemon && a->lookup && a->ipv4_only);
  EXPECT_EQ(a->config_path, "knockd.conf");
  EXPECT_EQ(a->interfaces, (std::vector<std::string>{"eth1"}));
  EXPECT_EQ(a->pid_file, "/run/k.pid");
  EXPECT_EQ(a->log_file, "/var/log/k.log");
  const auto b = parse({"--config=/etc/knockd.conf", "--daemon", "--pidfile", "/run/x.pid", "--logfile=/tmp/l",
                        "--interface=eth2", "--only-ip-v4", "--debug", "--lookup", "--verb"});
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(b->config_path, "/etc/knockd.conf");
  EXPECT_TRUE(b->daemon && b->debug && b->lookup && b->ipv4_only && b->verbose);
  EXPECT_EQ(b->pid_file, "/run/x.pid");
  EXPECT_EQ(b->log_file, "/tmp/l");
  EXPECT_EQ(b->interfaces, (std::vector<std::string>{"eth2"}));
  EXPECT_TRUE(parse({"-V"})->version);
  EXPECT_TRUE(parse({"--version"})->version);
  EXPECT_TRUE(parse({"-vh"})->help);
  EXPECT_EQ(parse({"-ci"})->config_path, "i");  // a value takes the rest of the cluster
  EXPECT_EQ(parse({"-v", "--"})->verbose, true);
  EXPECT_EQ(parse({"--con"}).error(), "option --config needs a value");
  EXPECT_EQ(parse({"--d"}).error(), "option '--d' is ambiguous");  // debug, daemon, dry-run
  EXPECT_EQ(parse({"--daemon=1"}).error(), "option --daemon takes no value");
  EXPECT_EQ(parse({"-vx"}).error(), "unknown argument '-x'");
  EXPECT_EQ(parse({"stray"}).error(), "unknown argument 'stray'");
  Config c;
  apply_args(*b, c);
  EXPECT_EQ(c.log.file, "/tmp/l");
}

TEST(SesamedArgs, RefusesWhatItDoesNotKnow) {
  EXPECT_EQ(parse({"-x"}).error(), "unknown argument '-x'");
  EXPECT_EQ(parse({"-c"}).error(), "option -c needs a value");
  EXPECT_EQ(parse({"--helper"}).error(), "option --helper needs a value");
  EXPECT_FALSE(parse({"-w", "0"}));
  EXPECT_FALSE(parse({"-w", "2x"}));
  EXPECT_FALSE(parse({"-w", "100000"}));
}

TEST(SesamedArgs, OverridesTheConfigFile) {
  Config c;
  c.interfaces = {"eth0"};
  c.workers = 1;
  apply_args(*parse({"-i", "veth0", "-u", "nobody", "-w", "2", "--knockd-exact"}), c);
  EXPECT_EQ(c.interfaces, (std::vector<std::string>{"veth0"}));
  EXPECT_EQ(c.user, "nobody");
  EXPECT_EQ(c.workers, 2u);
  EXPECT_EQ(c.matching, MatchingRules::kKnockd);
  Config untouched;
  untouched.interfaces = {"eth0"};
  apply_args(*parse({}), untouched);
  EXPECT_EQ(untouched.interfaces, (std::vector<std::string>{"eth0"}));
  EXPECT_EQ(untouched.user, kDefaultUser);
  EXPECT_EQ(untouched.matching, MatchingRules::kRobust);
}

}  // namespace
}  // namespace sesame
