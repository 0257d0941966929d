// Config's derived views, the error formatter and the shared value spellings.
#include "core/config/config.h"

#include <gtest/gtest.h>

#include "core/config/config_values.h"

namespace sesame {
namespace {

using Steps = std::vector<KnockStep>;

ConfigDoor door(std::string name, Steps open, Steps close = {}) {
  ConfigDoor d;
  d.door.name = std::move(name);
  d.door.sequence = std::move(open);
  d.door.seq_timeout = 7;
  d.door.tcp_flags = {tcp_flag::kSyn, 0};
  d.door.target = Address::parse("192.0.2.1");
  d.close_sequence = std::move(close);
  return d;
}

TEST(Config, MatcherDoorsListEachOpenThenItsClose) {
  Config c;
  c.doors = {door("a", {{Protocol::kTcp, 1}}, {{Protocol::kTcp, 2}}),
             door("b", {{Protocol::kUdp, 3}}),
             door("c", {{Protocol::kTcp, 4}}, {{Protocol::kTcp, 5}})};
  const MatcherDoors m = matcher_doors(c);
  ASSERT_EQ(m.doors.size(), 5u);
  ASSERT_EQ(m.origins.size(), 5u);
  const std::vector<std::pair<std::string, std::pair<std::size_t, DoorAction>>> expected = {
      {"a", {0, DoorAction::kOpen}},
      {"a/close", {0, DoorAction::kClose}},
      {"b", {1, DoorAction::kOpen}},
      {"c", {2, DoorAction::kOpen}},
      {"c/close", {2, DoorAction::kClose}}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(m.doors[i].name, expected[i].first);
    EXPECT_EQ(m.origins[i].config_door, expected[i].second.first);
    EXPECT_EQ(m.origins[i].action, expected[i].second.second);
  }
  // A close door knocks its own sequence under the open door's rules.
  EXPECT_EQ(m.doors[1].sequence, (Steps{{Protocol::kTcp, 2}}));
  EXPECT_EQ(m.doors[1].seq_timeout, 7u);
  EXPECT_EQ(m.doors[1].tcp_flags, (TcpFlagRule{tcp_flag::kSyn, 0}));
  EXPECT_EQ(m.doors[1].target, Address::parse("192.0.2.1"));
  EXPECT_EQ(door_action_name(m.origins[1].action), "close");
  EXPECT_EQ(door_summary(c), "3 doors: a 1 close 2; b 3/udp; c 4 close 5");
}

TEST(Config, ExecCommandsFallBackLikeKnockd) {
  ExecCommands e;
  EXPECT_EQ(e.start_for(false), nullptr);
  e.start = CommandTemplate{{"open4"}};
  e.stop = CommandTemplate{{"close4"}};
  EXPECT_EQ(e.start_for(true)->argv[0], "open4");  // no _6 command: the IPv4 one
  EXPECT_EQ(e.stop_for(true)->argv[0], "close4");
  e.start6 = CommandTemplate{};  // an empty _6 command: nothing for IPv6, stop neither
  EXPECT_EQ(e.start_for(true), nullptr);
  EXPECT_EQ(e.stop_for(true), nullptr);
  EXPECT_EQ(e.stop_for(false)->argv[0], "close4");
}

TEST(Config, BackendNames) {
  for (const EnumName<FirewallBackend>& b : kFirewallBackendNames)
    EXPECT_EQ(firewall_backend_from_name(b.name), b.value);
  EXPECT_FALSE(firewall_backend_from_name("UFW").has_value());
}

TEST(ConfigError, FormatPutsTheCaretUnderTheColumn) {
  const ConfigError e = config_error_at("f.toml", "a = 1\n\tb = \"x\"\n", 2, 6, "b", "bad");
  EXPECT_EQ(format_config_error(e), "f.toml:2: b: bad\n  \tb = \"x\"\n  \t    ^\n");
  EXPECT_EQ(format_config_warning(e).substr(0, 28), "f.toml:2: warning: b: bad\n  ");
  // A multi-byte character takes one column on screen.
  EXPECT_EQ(format_config_error(config_error_at("f", "x = \"\xc3\xa9!\"\n", 1, 8, "", "m")),
            "f:1: m\n  x = \"\xc3\xa9!\"\n        ^\n");
  EXPECT_EQ(format_config_error(ConfigError{"f", 0, 0, "", "cannot read", ""}), "f: cannot read\n");
}

TEST(ConfigValues, Durations) {
  EXPECT_EQ(parse_duration("5s"), 5u);
  EXPECT_EQ(parse_duration("2m"), 120u);
  EXPECT_EQ(parse_duration("1h"), 3600u);
  EXPECT_EQ(parse_duration("0s"), 0u);
  EXPECT_EQ(parse_duration("4294967295s"), 4294967295u);
  EXPECT_FALSE(parse_duration("4294967296s").has_value());
  EXPECT_FALSE(parse_duration("1193047h").has_value());
  for (const char* bad : {"", "s", "5", "5S", "+5s", "5 s", "1m30s", "5d"})
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  EXPECT_EQ(format_duration(90), "90s");
  EXPECT_EQ(format_duration(120), "2m");
  EXPECT_EQ(format_duration(7200), "2h");
  EXPECT_EQ(format_duration(0), "0s");
}

TEST(ConfigValues, FlagsAndProtocols) {
  EXPECT_EQ(tcp_flag_from_name("SyN"), tcp_flag::kSyn);
  EXPECT_FALSE(tcp_flag_from_name("!syn").has_value());
  EXPECT_EQ(tcp_flag_words({tcp_flag::kSyn | tcp_flag::kFin, tcp_flag::kAck}),
            (std::vector<std::string>{"fin", "syn", "!ack"}));
  EXPECT_EQ(protocol_from_name("UDP"), Protocol::kUdp);
  EXPECT_FALSE(protocol_from_name("icmp").has_value());
}

}  // namespace
}  // namespace sesame
