// parse_toml_config and write_toml_config: the schema, every error, and the round trip.
#include "core/config/config_toml.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/config/config_parser_testing.h"
#include "core/config/memory_files.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

constexpr std::string_view kHead = "interfaces = [\"eth0\"]\n";

constexpr ParserUnderTest kParser{parse_toml_config, "sesame.toml"};

ParsedConfig parse_ok(std::string_view text, std::map<std::string, std::string> files = {}) {
  return kParser.parse_ok(text, std::move(files));
}
void expect_error(std::string_view text, std::size_t line, std::size_t column,
                  std::string_view field, std::string_view says,
                  std::map<std::string, std::string> files = {}) {
  kParser.expect_error(text, line, column, field, says, std::move(files));
}

// A file with the standard head and one door made of `door_lines`; the door's lines
// start at line 3.
std::string one_door(std::string_view door_lines) {
  return str_cat(kHead, "[[door]]\n", door_lines);
}

TEST(ConfigToml, ExampleFileIsTheSeedSetup) {
  std::ifstream in(SESAME_SOURCE_DIR "/systemd/sesame.toml.example");
  std::stringstream text;
  text << in.rdbuf();
  const ParsedConfig p = parse_ok(text.str());
  const Config& c = p.config;
  EXPECT_EQ(p.format, ConfigFormat::kToml);
  EXPECT_EQ(c.firewall, FirewallBackend::kUfw);
  ASSERT_EQ(c.doors.size(), 1u);
  const ConfigDoor& d = c.doors[0];
  EXPECT_EQ(d.door.sequence, (Steps{{kTcp, 7000}, {kTcp, 8000}, {kTcp, 9000}}));
  EXPECT_EQ(d.close_sequence, (Steps{{kTcp, 9000}, {kTcp, 8000}, {kTcp, 7000}}));
  EXPECT_EQ(d.door.seq_timeout, 5u);
  EXPECT_EQ(d.door.tcp_flags, (TcpFlagRule{tcp_flag::kSyn, 0}));
  EXPECT_EQ(d.open_ports, (Steps{{kTcp, 55555}}));
  EXPECT_FALSE(d.open_for.has_value());

  const MatcherDoors m = matcher_doors(c);
  ASSERT_EQ(m.doors.size(), 2u);
  EXPECT_EQ(m.doors[0].name, "ssh");
  EXPECT_EQ(m.doors[1].name, "ssh/close");
  EXPECT_EQ(m.doors[1].sequence, d.close_sequence);
  EXPECT_EQ(m.doors[1].tcp_flags, d.door.tcp_flags);
  EXPECT_EQ(m.doors[1].seq_timeout, 5u);
  EXPECT_EQ(m.origins[0].config_door, 0u);
  EXPECT_EQ(m.origins[0].action, DoorAction::kOpen);
  EXPECT_EQ(m.origins[1].config_door, 0u);
  EXPECT_EQ(m.origins[1].action, DoorAction::kClose);
  EXPECT_EQ(door_summary(c), "1 door: ssh 7000,8000,9000 close 9000,8000,7000");
}

TEST(ConfigToml, EveryKey) {
  const ParsedConfig p = parse_ok(R"(
interfaces = ["eth0", "wg0"]
user = "knock"
firewall = "nft"
table_capacity = 4096
workers = 4
keep_grants_on_shutdown = true
matching = "knockd"
any_vlan = true
max_grant_lifetime = "2h"
max_grants_per_door = 50
ipv6_limit_prefix = 56
ring_blocks = 64
[log]
syslog = false
stderr = true
file = "/var/log/sesame.log"
[[door]]
name = "web"
sequence = [1000, "2000/udp", "3000/TCP", "4000"]
seq_timeout = "2m"
tcp_flags = ["syn", "!ack", "URG"]
target = "2001:db8::1"
open = ["443/tcp", "443/udp"]
open_for = "1h"
close_sequence = [4000, 3000]
scan_guard = 7
link_local_sources = true
)");
  const Config& c = p.config;
  EXPECT_EQ(c.interfaces, (Argv{"eth0", "wg0"}));
  EXPECT_EQ(c.user, "knock");
  EXPECT_EQ(c.firewall, FirewallBackend::kNft);
  EXPECT_EQ(c.table_capacity, 4096u);
  EXPECT_EQ(c.workers, 4u);
  EXPECT_TRUE(c.keep_grants_on_shutdown);
  EXPECT_EQ(c.matching, MatchingRules::kKnockd);
  EXPECT_EQ(matcher_doors(c).rules, MatchingRules::kKnockd);
  EXPECT_EQ(c.doors.at(0).door.scan_guard, 7);
  EXPECT_TRUE(c.any_vlan);
  EXPECT_EQ(c.max_grant_lifetime, 7200u);
  EXPECT_EQ(c.max_grants_per_door, 50u);
  EXPECT_EQ(c.ipv6_limit_prefix, 56);
  EXPECT_EQ(c.ring_blocks, 64u);
  EXPECT_EQ(c.log, (Logging{false, true, "/var/log/sesame.log", ""}));
  const ConfigDoor& d = c.doors.at(0);
  EXPECT_EQ(d.door.sequence, (Steps{{kTcp, 1000}, {kUdp, 2000}, {kTcp, 3000}, {kTcp, 4000}}));
  EXPECT_EQ(d.door.seq_timeout, 120u);
  EXPECT_EQ(d.door.tcp_flags, (TcpFlagRule{tcp_flag::kSyn | tcp_flag::kUrg, tcp_flag::kAck}));
  EXPECT_EQ(d.door.target, Address::parse("2001:db8::1"));
  EXPECT_EQ(d.open_ports, (Steps{{kTcp, 443}, {kUdp, 443}}));
  EXPECT_EQ(d.open_for, 3600u);
  EXPECT_EQ(d.close_sequence, (Steps{{kTcp, 4000}, {kTcp, 3000}}));
  EXPECT_TRUE(d.allow_link_local);
}

TEST(ConfigToml, Defaults) {
  const Config c = parse_ok(one_door("name = \"d\"\nsequence = [1]\nopen = 22\n")).config;
  EXPECT_EQ(c.user, "sesame");
  EXPECT_EQ(c.firewall, FirewallBackend::kUfw);
  EXPECT_EQ(c.table_capacity, std::size_t{1} << 19);
  EXPECT_EQ(c.workers, 1u);
  EXPECT_FALSE(c.keep_grants_on_shutdown);  // a clean shutdown closes every grant
  EXPECT_EQ(c.max_grant_lifetime, 12u * 3600);  // every grant ends
  EXPECT_EQ(c.max_grants_per_door, 1024u);
  EXPECT_EQ(c.ipv6_limit_prefix, 64);
  EXPECT_EQ(c.ring_blocks, 16u);  // 2 MiB per ring
  EXPECT_EQ(c.log, Logging{});
  EXPECT_TRUE(c.log.syslog);
  EXPECT_EQ(c.doors[0].door.seq_timeout, 25u);
  EXPECT_EQ(c.doors[0].open_ports, (Steps{{kTcp, 22}}));
  EXPECT_EQ(c.matching, MatchingRules::kRobust);
  EXPECT_EQ(c.doors[0].door.scan_guard, kDefaultScanGuard);
}

TEST(ConfigToml, ExecDoorAndOneTimeSequences) {
  const ParsedConfig p = parse_ok(R"(interfaces = ["eth0"]
firewall = "exec"
[[door]]
name = "ssh"
one_time_sequences = "/etc/sesame/ssh.otp"
start = ["/usr/sbin/iptables", "-A", "INPUT", "-s", "%IP%", "-j", "ACCEPT"]
start6 = ["/usr/sbin/ip6tables", "-A", "INPUT", "-s", "%IP%", "-j", "ACCEPT"]
stop = ["/usr/sbin/iptables", "-D", "INPUT", "-s", "%IP%", "-j", "ACCEPT"]
stop6 = []
open_for = "30s"
command_timeout = "2m"
)",
                                  {{"/etc/sesame/ssh.otp", "#1,2\n3,4:udp\n"}});
  const ConfigDoor& d = p.config.doors.at(0);
  EXPECT_EQ(d.door.sequence, (Steps{{kTcp, 3}, {kUdp, 4}}));
  EXPECT_EQ(d.exec.start->argv[0], "/usr/sbin/iptables");
  EXPECT_EQ(d.exec.start_for(true)->argv[0], "/usr/sbin/ip6tables");
  EXPECT_EQ(d.exec.stop_for(false)->argv[1], "-D");
  EXPECT_EQ(d.exec.stop_for(true), nullptr);  // stop6 = []: nothing for IPv6
  EXPECT_EQ(d.open_for, 30u);
  EXPECT_EQ(d.exec.timeout, 120u);
}

TEST(ConfigToml, SyntaxAndKeyErrors) {
  expect_error("interfaces = [\"eth0\"\n", 1, 0, "", "Error while parsing array");
  expect_error(
      std::string(kHead) + "color = \"blue\"\n", 2, 1, "color",
      "unknown key (expected interfaces, user, firewall, table_capacity, workers, "
      "keep_grants_on_shutdown, matching, any_vlan, max_grant_lifetime, max_grants_per_door, ipv6_limit_prefix, ring_blocks, log, door)");
  expect_error(std::string(kHead) + "[log]\nsyslogg = true\n", 3, 1, "log.syslogg", "unknown key");
  expect_error(one_door("name = \"d\"\nsequence = [1]\nopen = 22\nseqtimeout = \"5s\"\n"), 6, 1,
               "door[0].seqtimeout", "unknown key (expected name, sequence");
  expect_error("[[door]]\nname = \"d\"\nsequence = [1]\nopen = 22\n", 0, 0, "interfaces",
               "missing");
  expect_error(one_door("sequence = [1]\nopen = 22\n"), 2, 1, "door[0]", "missing name");
  // The first problem in the file is reported, whatever the keys' alphabetical order.
  expect_error(one_door("sequence = [0]\nname = 1\n"), 3, 13, "door[0].sequence[0]", "port 0");
  expect_error(std::string(kHead), 0, 0, "", "no doors");
}

TEST(ConfigToml, TypeErrors) {
  expect_error("interfaces = \"eth0\"\n", 1, 14, "interfaces",
               "expected an array of strings, got a string");
  expect_error("interfaces = [\"eth0\", 1]\n", 1, 23, "interfaces[1]",
               "expected a string, got an integer");
  expect_error(std::string(kHead) + "workers = \"4\"\n", 2, 11, "workers", "expected an integer");
  expect_error(std::string(kHead) + "keep_grants_on_shutdown = 1\n", 2, 27, "keep_grants_on_shutdown",
               "expected true or false, got an integer");
  expect_error(std::string(kHead) + "log = 1\n", 2, 7, "log", "expected a table");
  expect_error(std::string(kHead) + "[log]\nsyslog = \"yes\"\n", 3, 10, "log.syslog",
               "expected true or false");
  expect_error(std::string(kHead) + "[door]\nname = \"d\"\n", 2, 0, "door",
               "expected [[door]] tables, got a table");
  expect_error(one_door("name = 1\n"), 3, 8, "door[0].name", "expected a string, got an integer");
}

TEST(ConfigToml, RangeErrors) {
  expect_error(std::string(kHead) + "workers = 0\n", 2, 11, "workers", "expected 1 to 256, got 0");
  expect_error(std::string(kHead) + "table_capacity = 0\n", 2, 18, "table_capacity",
               "expected 1 to");
  expect_error(std::string(kHead) + "ring_blocks = 1\n", 2, 15, "ring_blocks", "expected 2 to 1024, got 1");
  expect_error(std::string(kHead) + "firewall = \"iptables\"\n", 2, 12, "firewall",
               "unknown firewall 'iptables' (expected ufw, nft or exec)");
  expect_error(std::string(kHead) + "user = \"\"\n", 2, 8, "user", "expected a user name");
  expect_error(std::string(kHead) + "matching = \"exact\"\n", 2, 12, "matching",
               "unknown matching 'exact' (expected robust, knockd)");
  expect_error(one_door("name = \"d\"\nsequence = [1]\nopen = 22\nscan_guard = 8\n"), 6, 14,
               "door[0].scan_guard", "expected 0 to 7, got 8");
  expect_error(std::string(kHead) + "[log]\nfile = \"\"\n", 3, 8, "log.file",
               "expected a file path");
  expect_error("interfaces = [\"eth0:1\"]\n[[door]]\nname = \"d\"\nsequence = [1]\nopen = 22\n", 1,
               14, "interfaces", "contains ':'");
  expect_error("interfaces = []\n[[door]]\nname = \"d\"\nsequence = [1]\nopen = 22\n", 1, 14,
               "interfaces", "no interface");
  expect_error(
      "interfaces = [\"eth0\", \"wg0\", \"eth0\"]\n[[door]]\nname = \"d\"\nsequence = [1]\nopen = "
      "22\n",
      1, 14, "interfaces", "interface 'eth0' listed twice");
}

TEST(ConfigToml, PortAndSequenceErrors) {
  expect_error(one_door("name = \"d\"\nsequence = [7000, 70000]\n"), 4, 19, "door[0].sequence[1]",
               "port 70000 is out of range (expected 1-65535)");
  expect_error(one_door("name = \"d\"\nsequence = [0]\n"), 4, 13, "door[0].sequence[0]",
               "port 0 is out of range");
  expect_error(one_door("name = \"d\"\nsequence = [\"70000/tcp\"]\n"), 4, 13, "door[0].sequence[0]",
               "with a port 1-65535, got \"70000/tcp\"");
  expect_error(one_door("name = \"d\"\nsequence = [\"7000/icmp\"]\n"), 4, 13, "door[0].sequence[0]",
               "unknown protocol in \"7000/icmp\"");
  expect_error(one_door("name = \"d\"\nsequence = [\"seven\"]\n"), 4, 13, "door[0].sequence[0]",
               "expected a port like 7000");
  expect_error(one_door("name = \"d\"\nsequence = [7.5]\n"), 4, 13, "door[0].sequence[0]",
               "got a floating-point number");
  expect_error(one_door("name = \"d\"\nsequence = []\n"), 4, 12, "door[0].sequence", "empty array");
  expect_error(one_door("name = \"d\"\nsequence = \"7000,8000\"\n"), 4, 12, "door[0].sequence",
               "expected an array of ports");
  std::string many = "name = \"d\"\nsequence = [1";
  for (int i = 2; i <= 33; ++i) many += str_cat(", ", std::to_string(i));
  expect_error(one_door(many + "]\n"), 4, 12, "door[0].sequence", "more than 32 knocks");
  expect_error(one_door("name = \"d\"\nsequence = [1]\nopen = \"22/sctp\"\n"), 5, 8, "door[0].open",
               "unknown protocol");
  expect_error(one_door("name = \"d\"\nsequence = [1]\nopen = []\n"), 5, 8, "door[0].open",
               "empty array");
}

TEST(ConfigToml, DurationFlagAndTargetErrors) {
  for (const char* bad : {"\"5\"", "\"5x\"", "\"s\"", "\"-5s\"", "\"5 s\"", "\"99999999999s\""})
    expect_error(one_door(std::string("name = \"d\"\nsequence = [1]\nopen = 22\nseq_timeout = ") +
                          bad + "\n"),
                 6, 15, "door[0].seq_timeout", "expected a duration like \"5s\"");
  expect_error(one_door("name = \"d\"\nsequence = [1]\nopen = 22\nseq_timeout = 5\n"), 6, 15,
               "door[0].seq_timeout",
               "expected a duration string like \"5s\", \"2m\" or \"1h\", got an integer");
  expect_error(one_door("name = \"d\"\nsequence = [1]\nopen = 22\nseq_timeout = \"0s\"\n"), 6, 15,
               "door[0].seq_timeout", "expected at least 1s");
  expect_error(
      one_door("name = \"d\"\nsequence = [1]\nopen = 22\ntcp_flags = [\"syn\", \"sin\"]\n"), 6, 21,
      "door[0].tcp_flags[1]", "unknown TCP flag \"sin\" (expected fin, syn, rst, psh, ack or urg");
  expect_error(
      one_door("name = \"d\"\nsequence = [1]\nopen = 22\ntcp_flags = [\"syn\", \"!syn\"]\n"), 6, 21,
      "door[0].tcp_flags[1]", "flag given twice");
  expect_error(one_door("name = \"d\"\nsequence = [1]\nopen = 22\ntarget = \"example.org\"\n"), 6,
               10, "door[0].target", "expected an IPv4 or IPv6 address");
}

TEST(ConfigToml, BackendErrors) {
  expect_error(one_door("name = \"d\"\nsequence = [1]\n"), 2, 1, "door[0]", "missing open");
  expect_error(one_door("name = \"d\"\nsequence = [1]\nopen = 22\nstart = [\"x\"]\n"), 6, 9,
               "door[0].start", "commands are for firewall = \"exec\"");
  expect_error(one_door("name = \"d\"\nsequence = [1]\nopen = 22\ncommand_timeout = \"5s\"\n"), 6, 19,
               "door[0].command_timeout", "commands are for firewall = \"exec\"");
  const std::string exec =
      "interfaces = [\"eth0\"]\nfirewall = \"exec\"\n[[door]]\nname = \"d\"\nsequence = [1]\n";
  expect_error(exec + "open = 22\n", 6, 8, "door[0].open", "open is for the ufw and nft firewalls");
  expect_error(exec + "start = [\"a\"]\ncommand_timeout = \"0s\"\n", 7, 19, "door[0].command_timeout",
               "expected at least 1s");
  expect_error(exec + "start = [\"a\"]\nstop = [\"b\"]\n", 7, 8, "door[0].stop",
               "needs open_for or close_sequence");
  expect_error(exec + "start = [\"a\"]\nopen_for = \"1m\"\n", 7, 12, "door[0].open_for",
               "expected stop = [...]");
  expect_error(exec + "start = [\"a\\u0000b\"]\n", 6, 10, "door[0].start[0]", "NUL character");
  parse_ok(exec + "start = [\"a\"]\nstop = [\"b\"]\nclose_sequence = [2]\n");
}

TEST(ConfigToml, WholeConfigErrors) {
  const std::string d = "[[door]]\nname = \"a\"\nsequence = [1, 2]\nopen = 22\n";
  expect_error(std::string(kHead) + d + d, 7, 8, "door[1].name",
               "two doors named 'a' (the first at line 3)");
  expect_error(one_door("name = \"a\"\nsequence = [1, 2]\nopen = 22\nclose_sequence = [1, 2]\n"), 6,
               18, "door[0].close_sequence",
               "the close sequence of door 'a' equals its open sequence");
  // A close sequence is a door of its own in the ambiguity check.
  expect_error(
      std::string(kHead) + d +
          "[[door]]\nname = \"b\"\nsequence = [5]\nopen = 23\nclose_sequence = [1, 2, 3]\n",
      10, 18, "door[1].close_sequence", "begins the sequence of door 'b/close'");
  // ... and its name counts as taken.
  expect_error(std::string(kHead) +
                   "[[door]]\nname = \"a\"\nsequence = [1]\nopen = 22\nclose_sequence = [2]\n" +
                   "[[door]]\nname = \"a/close\"\nsequence = [3]\nopen = 22\n",
               8, 8, "door[1].name", "two doors named 'a/close'");
  kParser.expect_disabled(one_door("name = \"d\"\none_time_sequences = \"/x.otp\"\nopen = 22\n") +
                      "[[door]]\nname = \"e\"\nsequence = [1]\nopen = 22\n",
                  0, 4, 22, "door[0].one_time_sequences", "cannot read one-time sequence file '/x.otp'");
  expect_error(one_door("name = \"d\"\nopen = 22\n"), 3, 8, "door[0].name",
               "has no knock sequence");
  expect_error(one_door("name = \"bad\\nname\"\nsequence = [1]\nopen = 22\n"), 3, 8, "door[0].name",
               "control character");
}

// fuzz/corpus/toml/crash-toml++-*: toml++ 3.3.0 reached __builtin_unreachable when it
// tested these characters for whitespace. With its test replaced they are plain errors,
// and whitespace that TOML does not allow stays an error too.
TEST(ConfigToml, NonAsciiWhereWhitespaceMayBe) {
  expect_error("o\xc8\x86", 1, 2, "", "expected '=', saw '\xc8\x86'");
  expect_error(str_cat(kHead, "workers = 1\xc8\x86\n"), 2, 12, "", "saw '\xc8\x86'");
  // A valid multi-line string: the key after it is what is wrong.
  expect_error("a = \"\"\"x\\\n  \xc8\x86\"\"\"\n", 1, 1, "a", "unknown key");
  expect_error("a = \"\"\"\\\"\"\"\\\nx \\\xc8\x86\"\"", 2, 0, "", "escape sequence");
  expect_error("a =8\"\"\"\\\x08\xcf\x9c", 1, 0, "", "");
  expect_error(str_cat(kHead, "workers\xc2\xa0= 1\n"), 2, 0, "", "");
}

TEST(ConfigToml, NonAsciiInStringsAndCommentsAndByteColumns) {
  const ParsedConfig p =
      parse_ok(str_cat(kHead, "# caf\xc3\xa9 \xc8\x86\n[[door]]\nname = \"caf\xc3\xa9 \xc8\x86\"\n",
                       "sequence = [1]\nopen = 22\n"));
  EXPECT_EQ(p.config.doors.at(0).door.name, "caf\xc3\xa9 \xc8\x86");
  // toml++ counts code points; the error's column counts bytes, as the caret expects.
  expect_error(str_cat(kHead, "door = [{name = \"\xc3\xa9\", sequence = [99999]}]\n"), 2, 35,
               "door[0].sequence[0]", "port 99999 is out of range");
  // So do the positions kept for the checks after parsing.
  expect_error(str_cat(kHead,
                       "door = [{name = \"\xc3\xa9\", sequence = [1], open = 22}, "
                       "{name = \"\xc3\xa9\", sequence = [2], open = 22}]\n"),
               2, 59, "door[1].name", "two doors named");
}

TEST(ConfigToml, WriteReadsBackTheSameConfig) {
  const std::string text = R"(interfaces = ["eth0", "wg0"]
user = "knock"
firewall = "exec"
table_capacity = 4096
workers = 3
keep_grants_on_shutdown = true
matching = "knockd"
any_vlan = true
max_grant_lifetime = "3h"
max_grants_per_door = 7
ipv6_limit_prefix = 48
ring_blocks = 32

[log]
syslog = false
stderr = true
file = "/var/log/sesame \"quoted\".log"

[[door]]
name = "ssh \\ door"
sequence = [7000, 8000, "9000/udp"]
seq_timeout = "90s"
tcp_flags = ["syn", "!ack"]
target = "192.0.2.1"
scan_guard = 0
open_for = "2m"
close_sequence = [9000, 8000]
start = ["/bin/sh", "-c", "echo %IP% | logger"]
start6 = []
stop = ["ufw", "delete", "allow", "from", "%IP%"]
command_timeout = "1m"
link_local_sources = true

[[door]]
name = "otp"
one_time_sequences = "/etc/sesame/otp"
seq_timeout = "1h"
)";
  const auto files = std::map<std::string, std::string>{{"/etc/sesame/otp", "1,2\n"}};
  const ParsedConfig p = parse_ok(text, files);
  const std::string written = write_toml_config(p.config);
  EXPECT_EQ(written, text);
  EXPECT_EQ(write_toml_config(parse_ok(written, files).config), written);
}

}  // namespace
}  // namespace sesame

namespace sesame {
namespace {

// [log] ident: the syslog tag, so rules keyed on knockd's tag keep matching.
TEST(ConfigToml, LogIdent) {
  const std::string door = "[[door]]\nname = \"d\"\nsequence = [1]\nopen = 22\n";
  const ParsedConfig p = parse_ok(str_cat(kHead, "[log]\nident = \"knockd\"\n", door));
  EXPECT_EQ(p.config.log.ident, "knockd");
  EXPECT_NE(write_toml_config(p.config).find("ident = \"knockd\""), std::string::npos);
  EXPECT_EQ(parse_ok(write_toml_config(p.config)).config.log, p.config.log);
  EXPECT_EQ(parse_ok(str_cat(kHead, door)).config.log.ident, "");
  expect_error(str_cat(kHead, "[log]\nident = \"knock d\"\n", door), 3, 9, "log.ident", "a syslog tag");
  expect_error(str_cat(kHead, "[log]\nident = \"\"\n", door), 3, 9, "log.ident", "a syslog tag");
}

}  // namespace
}  // namespace sesame
