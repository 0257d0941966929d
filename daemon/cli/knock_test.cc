// sesame knock's command line: what knock 0.8's getopt_long accepts, read the same way.
#include "daemon/cli/knock.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace sesame::cli {
namespace {

std::expected<KnockArgs, std::string> parse(std::vector<std::string_view> args) { return parse_knock_args(args); }

constexpr KnockProtocol kTcp = KnockProtocol::kTcp;
constexpr KnockProtocol kUdp = KnockProtocol::kUdp;

TEST(KnockArgs, HostAndPortsAreTcpByDefault) {
  const auto a = parse({"server.example", "7000", "8000", "9000"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->action, KnockAction::kKnock);
  EXPECT_EQ(a->host, "server.example");
  EXPECT_EQ(a->hits, (std::vector<KnockHit>{{"7000", kTcp}, {"8000", kTcp}, {"9000", kTcp}}));
  EXPECT_EQ(a->family, KnockFamily::kAny);
  EXPECT_EQ(a->delay_ms, 0u);
  EXPECT_FALSE(a->verbose);
  EXPECT_TRUE(a->warnings.empty());
}

TEST(KnockArgs, PortSuffixChoosesTheProtocol) {
  const auto a = parse({"198.18.0.1", "123:tcp", "456:udp", "789"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->hits, (std::vector<KnockHit>{{"123", kTcp}, {"456", kUdp}, {"789", kTcp}}));
  EXPECT_TRUE(a->warnings.empty());
}

// knock compares the suffix with "udp" exactly; anything else knocks TCP. sesame does
// the same and says so.
TEST(KnockArgs, AnyOtherSuffixIsTcpWithAWarning) {
  const auto a = parse({"h", "1:UDP", "2:icmp", "3:"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->hits, (std::vector<KnockHit>{{"1", kTcp}, {"2", kTcp}, {"3", kTcp}}));
  EXPECT_EQ(a->warnings.size(), 3u);
}

TEST(KnockArgs, UdpOptionMakesEveryHitUdp) {
  for (std::string_view u : {"-u", "--udp", "--ud"}) {
    const auto a = parse({u, "h", "1", "2:tcp", "3:udp"});
    ASSERT_TRUE(a) << a.error();
    EXPECT_EQ(a->hits, (std::vector<KnockHit>{{"1", kUdp}, {"2", kUdp}, {"3", kUdp}})) << u;
  }
}

TEST(KnockArgs, DelayInEverySpelling) {
  for (std::vector<std::string_view> args : std::vector<std::vector<std::string_view>>{
           {"-d", "250", "h", "1"}, {"-d250", "h", "1"}, {"--delay", "250", "h", "1"},
           {"--delay=250", "h", "1"}, {"--de=250", "h", "1"}, {"-vd", "250", "h", "1"}, {"h", "1", "-d", "250"}}) {
    const auto a = parse(args);
    ASSERT_TRUE(a) << a.error();
    EXPECT_EQ(a->delay_ms, 250u) << args[0];
    EXPECT_EQ(a->hits, (std::vector<KnockHit>{{"1", kTcp}}));
  }
}

TEST(KnockArgs, BadDelaysFail) {
  const auto negative = parse({"-d", "-5", "h", "1"});
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error(), "delay cannot be negative");
  EXPECT_FALSE(parse({"-d", "fast", "h", "1"}));
  EXPECT_FALSE(parse({"-d", "10ms", "h", "1"}));
  EXPECT_FALSE(parse({"--delay=", "h", "1"}));
  EXPECT_FALSE(parse({"-d", "99999999999", "h", "1"}));
  EXPECT_FALSE(parse({"h", "1", "-d"}));
}

// getopt_long moves options after operands to the front.
TEST(KnockArgs, OptionsMayFollowOperands) {
  const auto a = parse({"h", "1", "-v", "2", "-6"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_TRUE(a->verbose);
  EXPECT_EQ(a->family, KnockFamily::kIpv6);
  EXPECT_EQ(a->hits, (std::vector<KnockHit>{{"1", kTcp}, {"2", kTcp}}));
}

TEST(KnockArgs, BundledShortOptions) {
  const auto a = parse({"-uv4", "h", "1"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_TRUE(a->verbose);
  EXPECT_EQ(a->family, KnockFamily::kIpv4);
  EXPECT_EQ(a->hits, (std::vector<KnockHit>{{"1", kUdp}}));
}

TEST(KnockArgs, LastFamilyWins) {
  EXPECT_EQ(parse({"-4", "-6", "h", "1"})->family, KnockFamily::kIpv6);
  EXPECT_EQ(parse({"--ipv6", "--ipv4", "h", "1"})->family, KnockFamily::kIpv4);
}

TEST(KnockArgs, DoubleDashEndsOptions) {
  const auto a = parse({"-v", "--", "h", "-1"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->hits, (std::vector<KnockHit>{{"-1", kTcp}}));
}

TEST(KnockArgs, HelpAndVersionNeedNoOperands) {
  EXPECT_EQ(parse({"-h"})->action, KnockAction::kHelp);
  EXPECT_EQ(parse({"--help"})->action, KnockAction::kHelp);
  EXPECT_EQ(parse({"-V"})->action, KnockAction::kVersion);
  EXPECT_EQ(parse({"--vers"})->action, KnockAction::kVersion);
  // The first one read decides, as knock exits at the first.
  EXPECT_EQ(parse({"-V", "-h"})->action, KnockAction::kVersion);
}

TEST(KnockArgs, UsageErrors) {
  EXPECT_FALSE(parse({}));
  EXPECT_FALSE(parse({"h"}));
  EXPECT_FALSE(parse({"-x", "h", "1"}));
  EXPECT_FALSE(parse({"--bogus", "h", "1"}));
  EXPECT_FALSE(parse({"--verbose=1", "h", "1"}));
  // --v could be --verbose or --version.
  const auto ambiguous = parse({"--v", "h", "1"});
  ASSERT_FALSE(ambiguous);
  EXPECT_NE(ambiguous.error().find("ambiguous"), std::string::npos);
}

// A lone "-" is an operand to getopt, not an option.
TEST(KnockArgs, LoneDashIsAnOperand) {
  const auto a = parse({"h", "-"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->hits, (std::vector<KnockHit>{{"-", kTcp}}));
}

}  // namespace
}  // namespace sesame::cli
