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
