// parse_knockd_conf: knockd 0.8's format as knockd reads it, and every error sesame adds.
// The fixtures in core/config/testdata/ were each checked with Debian's knockd 0.8 (-D), which
// accepted them and printed the doors these tests expect.
#include "core/config/knockd_conf.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/config/config_parser_testing.h"
#include "core/config/memory_files.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

std::string testdata(const std::string& name) {
  std::ifstream in(SESAME_SOURCE_DIR "/core/config/testdata/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr ParserUnderTest kParser{parse_knockd_conf, "knockd.conf"};

auto parse(std::string_view text, std::map<std::string, std::string> files = {}) {
  return kParser.parse(text, std::move(files));
}
ParsedConfig parse_ok(std::string_view text, std::map<std::string, std::string> files = {}) {
  return kParser.parse_ok(text, std::move(files));
}
void expect_error(std::string_view text, std::size_t line, std::size_t column,
                  std::string_view field, std::string_view says,
                  std::map<std::string, std::string> files = {}) {
  kParser.expect_error(text, line, column, field, says, std::move(files));
}

TEST(KnockdConf, SeedSetup) {
  const ParsedConfig p = parse_ok(testdata("seed.knockd.conf"));
  const Config& c = p.config;
  EXPECT_EQ(p.format, ConfigFormat::kKnockd);
  EXPECT_EQ(c.firewall, FirewallBackend::kExec);
  EXPECT_TRUE(c.log.syslog);
  EXPECT_EQ(c.interfaces, Argv{"eth0"});  // knockd's default
  ASSERT_EQ(c.doors.size(), 2u);
  const ConfigDoor& open = c.doors[0];
  EXPECT_EQ(open.door.name, "openSSH");
  EXPECT_EQ(open.door.sequence, (Steps{{kTcp, 7000}, {kTcp, 8000}, {kTcp, 9000}}));
  EXPECT_EQ(open.door.seq_timeout, 5u);
  EXPECT_EQ(open.door.tcp_flags, (TcpFlagRule{tcp_flag::kSyn, 0}));
  EXPECT_FALSE(open.door.target.has_value());
  ASSERT_TRUE(open.exec.start.has_value());
  EXPECT_EQ(open.exec.start->argv,
            (Argv{"ufw", "allow", "from", "%IP%", "to", "any", "port", "55555", "proto", "tcp"}));
  EXPECT_FALSE(open.exec.has_stop());
  EXPECT_FALSE(open.open_for.has_value());
  EXPECT_EQ(c.doors[1].door.name, "closeSSH");
  EXPECT_EQ(c.doors[1].door.sequence, (Steps{{kTcp, 9000}, {kTcp, 8000}, {kTcp, 7000}}));
  EXPECT_EQ(c.doors[1].exec.start->argv[1], "delete");
  EXPECT_TRUE(p.warnings.empty());
}

TEST(KnockdConf, CaseSpacingCommentsAndProtocols) {
  const ParsedConfig p = parse_ok(testdata("udp_mixed.knockd.conf"));
  const Config& c = p.config;
  EXPECT_EQ(c.log.file, "/var/log/knockd.log");
  EXPECT_TRUE(c.log.syslog);  // "useSysLog" inside a door section counts, as in knockd
  EXPECT_EQ(c.interfaces, Argv{"enp3s0"});
  ASSERT_EQ(c.doors.size(), 2u);
  EXPECT_EQ(c.doors[0].door.name, "mixed udp");
  EXPECT_EQ(c.doors[0].door.sequence,
            (Steps{{kUdp, 2222}, {kTcp, 3333}, {kUdp, 4444}, {kTcp, 5555}}));
  EXPECT_EQ(c.doors[0].door.seq_timeout, 10u);
  // TCPFlags lines add up: SYN,!ACK then !fin.
  EXPECT_EQ(c.doors[0].door.tcp_flags,
            (TcpFlagRule{tcp_flag::kSyn, tcp_flag::kAck | tcp_flag::kFin}));
  EXPECT_EQ(c.doors[0].exec.start->argv.back(), "ACCEPT");  // trailing blanks trimmed
  EXPECT_EQ(c.doors[1].door.sequence, (Steps{{kUdp, 6000}, {kUdp, 6001}, {kUdp, 6002}}));
  EXPECT_EQ(c.doors[1].door.seq_timeout, 30u);  // "timeout" is Seq_Timeout's alias
  EXPECT_FALSE(c.doors[1].exec.start.has_value());
}

TEST(KnockdConf, CrlfLines) {
  const ParsedConfig p = parse_ok(testdata("crlf.knockd.conf"));
  ASSERT_EQ(p.config.doors.size(), 1u);
  EXPECT_EQ(p.config.doors[0].door.name, "crlf");
  EXPECT_EQ(p.config.doors[0].exec.start->argv, (Argv{"/bin/true", "%IP%"}));
}

TEST(KnockdConf, Targets) {
  const ParsedConfig p = parse_ok(testdata("targets.knockd.conf"));
  ASSERT_EQ(p.config.doors.size(), 3u);
  EXPECT_EQ(p.config.interfaces, Argv{"eth1"});
  EXPECT_EQ(p.config.doors[0].door.target, Address::parse("192.0.2.10"));
  EXPECT_EQ(p.config.doors[1].door.target, Address::parse("192.0.2.25"));
  EXPECT_EQ(p.config.doors[2].door.target, Address::parse("2001:db8::25"));
}

TEST(KnockdConf, OneTimeSequences) {
  const ParsedConfig p =
      parse_ok(testdata("one_time.knockd.conf"), {{"one_time.seq", testdata("one_time.seq")}});
  ASSERT_EQ(p.config.doors.size(), 1u);
  const ConfigDoor& d = p.config.doors[0];
  EXPECT_EQ(d.one_time_sequences, "one_time.seq");
  EXPECT_EQ(d.door.sequence, (Steps{{kTcp, 4000}, {kUdp, 5000}, {kTcp, 6000}}));
  EXPECT_EQ(d.open_for, 30u);  // Cmd_Timeout, because there is a stop command
}

TEST(KnockdConf, Ipv6CommandsStopCommandsAndShellWarnings) {
  const ParsedConfig p = parse_ok(testdata("commands6.knockd.conf"));
  ASSERT_EQ(p.config.doors.size(), 3u);
  const ConfigDoor& dual = p.config.doors[0];
  EXPECT_EQ(dual.exec.start6->argv[0], "/usr/sbin/ip6tables");
  EXPECT_EQ(dual.exec.stop->argv[1], "-D");
  EXPECT_EQ(dual.exec.stop6->argv[0], "/usr/sbin/ip6tables");
  EXPECT_EQ(dual.open_for, 20u);
  EXPECT_EQ(dual.exec.stop_for(true), &*dual.exec.stop6);
  EXPECT_EQ(dual.exec.stop_for(false), &*dual.exec.stop);

  const ConfigDoor& shell = p.config.doors[1];
  EXPECT_EQ(shell.exec.start->argv,
            (Argv{"/bin/sh", "-c",
                  "echo \"opened for %IP%\" | logger -t knock && touch /run/knock.%IP%"}));
  EXPECT_EQ(shell.exec.start6->argv,
            (Argv{"/usr/bin/logger", "-t", "knock", "IPv6 knock from %IP%"}));
  EXPECT_EQ(shell.exec.stop->argv, (Argv{"/usr/bin/logger", "-t", "knock", "closing for %IP%"}));
  EXPECT_EQ(shell.open_for, 10u);  // knockd's default Cmd_Timeout

  // Start_Command set to nothing: an IPv4 knocker runs nothing, an IPv6 one Command_6.
  const ConfigDoor& v6 = p.config.doors[2];
  EXPECT_EQ(v6.exec.start_for(false), nullptr);
  ASSERT_NE(v6.exec.start_for(true), nullptr);
  EXPECT_EQ(v6.exec.start_for(true)->argv[0], "/usr/sbin/ip6tables");

  // PidFile is ignored, and the one command that needs a shell is named with its line.
  ASSERT_EQ(p.warnings.size(), 2u);
  EXPECT_EQ(p.warnings[0].line, 3u);
  EXPECT_EQ(p.warnings[0].field, "PidFile");
  EXPECT_EQ(p.warnings[1].line, 16u);
  EXPECT_EQ(p.warnings[1].field, "command");
  EXPECT_EQ(p.warnings[1].column, 12u);
  EXPECT_NE(p.warnings[1].message.find("'|'"), std::string::npos);
  ASSERT_EQ(p.shell_commands.size(), 1u);  // runs through /bin/sh -c, and check names it
  EXPECT_EQ(p.shell_commands[0].line, 16u);
  EXPECT_EQ(p.shell_commands[0].field, "command");
  EXPECT_NE(format_config_warning(p.warnings[1]).find("knockd.conf:16: warning: command: "),
            std::string::npos);
}

TEST(KnockdConf, Defaults) {
  const ParsedConfig p = parse_ok("[d]\nsequence = 1,2\ncmd_timeout = 99\n");
  const ConfigDoor& d = p.config.doors[0];
  EXPECT_EQ(d.door.seq_timeout, kDefaultSeqTimeout);
  EXPECT_EQ(d.door.tcp_flags, TcpFlagRule{});
  // A knockd.conf gets the robust rules too; sesamed --knockd-exact restores knockd's.
  EXPECT_EQ(p.config.matching, MatchingRules::kRobust);
  EXPECT_EQ(d.door.scan_guard, kDefaultScanGuard);
  EXPECT_FALSE(d.open_for.has_value());  // knockd uses Cmd_Timeout only with a stop command
  EXPECT_FALSE(p.config.log.syslog);
  EXPECT_EQ(p.config.log.file, "");
  EXPECT_EQ(p.config.interfaces, Argv{"eth0"});
  EXPECT_EQ(parse_ok("[options]\nInterface =\n[d]\nsequence=1\n").config.interfaces, Argv{"eth0"});
}

TEST(KnockdConf, LaterValuesWinAndBlanksInSectionNamesCount) {
  const ParsedConfig p = parse_ok(
      "[ d ]\nsequence = 1\nsequence = 2,3\ntarget = 192.0.2.1\ntarget = 192.0.2.2\n"
      "tcpflags = syn\ntcpflags = !syn\n");
  EXPECT_EQ(p.config.doors[0].door.name, " d ");
  EXPECT_EQ(p.config.doors[0].door.sequence, (Steps{{kTcp, 2}, {kTcp, 3}}));
  EXPECT_EQ(p.config.doors[0].door.target, Address::parse("192.0.2.2"));
  EXPECT_EQ(p.config.doors[0].door.tcp_flags, (TcpFlagRule{0, tcp_flag::kSyn}));
  // A command keeps everything after the first '='.
  EXPECT_EQ(parse_ok("[d]\nsequence=1\ncommand = env A=b c\n").config.doors[0].exec.start->argv,
            (Argv{"env", "A=b", "c"}));
}

TEST(KnockdConf, StructureErrors) {
  expect_error("sequence = 1\n", 1, 1, "", "before any section");
  expect_error("# c\n[]\n", 2, 1, "", "empty section name");
  expect_error("[options]\nFoo = 1\n", 2, 1, "Foo", "unknown [options] key 'Foo'");
  expect_error("[options]\nSequence = 1\n", 2, 1, "Sequence", "door keys belong in a door section");
  expect_error("[d]\nsequence = 1\nLogFile = x\n", 3, 1, "LogFile", "belongs in [options]");
  expect_error("[Options]\nLogFile = x\n", 2, 1, "LogFile", "spelled [options], in lower case");
  expect_error("[d]\nsequence = 1\n  Sequense = 2\n", 3, 3, "Sequense",
               "expected Sequence, One_Time_Sequences");
  expect_error("[options]\nUseSyslog = yes\n", 2, 13, "UseSyslog", "takes no value");
  expect_error("[d]\nsequence = 1\ncommand\n", 3, 1, "command", "expected 'key = value'");
  expect_error("[d]\n= 1\n", 2, 1, "", "unknown door key ''");
}

TEST(KnockdConf, SequenceErrors) {
  expect_error("[d]\nsequence = 7000,80000\n", 2, 17, "sequence", "port 80000 is above 65535");
  expect_error("[d]\nsequence = 7000,abc\n", 2, 17, "sequence", "'abc' is not a port");
  expect_error("[d]\nsequence = 0\n", 2, 12, "sequence", "'0' is not a port");
  expect_error("[d]\nsequence = -1\n", 2, 12, "sequence", "'-1' is not a port");
  expect_error("[d]\nsequence = 7000 # knock\n", 2, 12, "sequence", "'7000 # knock' is not a port");
  expect_error("[d]\nsequence = 7000,,8000\n", 2, 17, "sequence", "empty entry");
  expect_error("[d]\nsequence = 7000,8000,\n", 2, 22, "sequence", "empty entry");
  expect_error("[d]\nsequence =\n", 2, 11, "sequence", "empty entry");
  expect_error("[d]\nsequence = 7000:icmp\n", 2, 12, "sequence", "unknown protocol 'icmp'");
  expect_error("[d]\nsequence = 7000:tcp:x\n", 2, 12, "sequence", "more than one ':'");
  std::string many = "[d]\nsequence = 1";
  for (int i = 2; i <= 33; ++i) many += str_cat(",", std::to_string(i));
  expect_error(many + "\n", 2, 0, "sequence", "more than 32 ports");
  expect_error("[d]\nseq_timeout = 5\n", 1, 2, "[d]", "has no knock sequence");
}

TEST(KnockdConf, ValueErrors) {
  expect_error("[d]\nsequence = 1\nseq_timeout = 5s\n", 3, 15, "seq_timeout",
               "whole number of seconds");
  expect_error("[d]\nsequence = 1\nseq_timeout = 0\n", 3, 15, "seq_timeout", "at least 1");
  expect_error("[d]\nsequence = 1\ntimeout = -5\n", 3, 11, "timeout", "whole number of seconds");
  expect_error("[d]\nsequence = 1\ncmd_timeout = soon\n", 3, 15, "cmd_timeout", "(got 'soon')");
  expect_error("[d]\nsequence = 1\ntcpflags = syn, ack\n", 3, 16, "tcpflags",
               "unknown TCP flag ' ack'");
  expect_error("[d]\nsequence = 1\ntcpflags = syn,bogus\n", 3, 16, "tcpflags", "'bogus'");
  expect_error("[d]\nsequence = 1\ntcpflags =\n", 3, 11, "tcpflags", "unknown TCP flag ''");
  expect_error("[d]\nsequence = 1\ntarget = host.example\n", 3, 10, "target",
               "IPv4 or IPv6 address");
  expect_error("[d]\nsequence = 1\none_time_sequences =\n", 3, 21, "one_time_sequences",
               "expected the path");
}

TEST(KnockdConf, WholeConfigErrors) {
  expect_error("[options]\nUseSyslog\n", 0, 0, "", "no doors");
  expect_error("[d]\nsequence = 1,2\n[e]\nsequence = 3\n[d]\nsequence = 4\n", 5, 2, "[d]",
               "two doors named 'd' (the first at line 1)");
  expect_error("[a]\nsequence = 1,2\n[b]\nsequence = 1,2,3\n", 4, 12, "sequence",
               "the sequence of door 'a' (1,2) begins the sequence of door 'b' (1,2,3)");
  expect_error("[a]\nsequence = 1,2\n[b]\nsequence = 1,2\n", 4, 12, "sequence",
               "doors 'a' and 'b' have the same sequence 1,2");
  // Different flags or targets tell the doors apart, so no ambiguity.
  parse_ok("[a]\nsequence = 1,2\n[b]\nsequence = 1,2,3\ntcpflags = syn\n");
  parse_ok("[a]\nsequence = 1,2\n[b]\nsequence = 1,2,3\ntarget = 192.0.2.1\n");
  parse_ok("[a]\nsequence = 1,2\n[b]\nsequence = 1,2:udp\n");
  expect_error("[options]\nInterface = a-very-long-interface-name\n[d]\nsequence = 1\n", 2, 13,
               "Interface", "longer than 15 bytes");
  expect_error("[options]\nInterface = eth 0\n[d]\nsequence = 1\n", 2, 13, "Interface",
               "whitespace");
  const std::string long_name(128, 'n');
  expect_error(str_cat("[", long_name, "]\nsequence = 1\n"), 1, 2, str_cat("[", long_name, "]"),
               "door name longer than 127 bytes");
}

TEST(KnockdConf, OneTimeErrors) {
  // A one-time file that gives no sequence disables its door; the other doors work.
  const std::string conf = "[d]\none_time_sequences = /etc/knockd/d.otp\n";
  const std::string other = "[other]\nsequence = 1,2\n";
  kParser.expect_disabled(conf + other, 0, 2, 22, "one_time_sequences",
                  "cannot read one-time sequence file '/etc/knockd/d.otp': No such file or directory");
  kParser.expect_disabled(conf + other, 0, 2, 22, "one_time_sequences", "/etc/knockd/d.otp: no unused sequence left",
                  {{"/etc/knockd/d.otp", "#000,2000\n"}});
  expect_error("[d]\nsequence = 1\none_time_sequences = f\n", 3, 22, "one_time_sequences",
               "both a sequence and a one-time sequence file", {{"f", "5,6\n"}});
  // An error inside the one-time file names that file and its line.
  kParser.expect_disabled(conf + other, 0, 2, 1, "one-time sequence", "knockd would read this line its own way",
                  {{"/etc/knockd/d.otp", "#1,2\n80x,90\n"}}, "/etc/knockd/d.otp");
  const auto p = parse(conf + other, {{"/etc/knockd/d.otp", "#1,2\n80x,90\n"}});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->config.doors[0].disabled->source_line, "80x,90");
  // A one-time sequence takes part in the ambiguity check with its current value.
  expect_error("[a]\nsequence = 5,6,7\n" + conf, 4, 22, "one_time_sequences",
               "begins the sequence of door 'a'", {{"/etc/knockd/d.otp", "5,6\n"}});
}

TEST(KnockdConf, TextErrors) {
  expect_error(std::string("[d]\nsequence = 1\0\n", 17), 2, 13, "", "NUL byte");
  expect_error("[d]\nsequence = 1\ncommand = caf\xe9\n", 3, 14, "", "not UTF-8");
  expect_error(str_cat("[d]\nsequence = 1\ncommand = ", std::string(5000, 'x'), "\n"), 3, 4095, "",
               "line longer than 4094 bytes");
}

TEST(KnockdConf, MatcherRefusalIsAnError) {
  // 400 doors, each on its own address with its own ports, each accepting exactly one of
  // the 64 TCP flag combinations: more event classes than the matcher compiles.
  static constexpr std::string_view kFlags[] = {"fin", "syn", "rst", "psh", "ack", "urg"};
  std::string text;
  for (int i = 0; i < 400; ++i) {
    std::string flags;
    for (int bit = 0; bit < 6; ++bit)
      flags += str_cat(bit ? "," : "", (i >> bit) & 1 ? "" : "!", kFlags[bit]);
    text += str_cat("[d", std::to_string(i), "]\nsequence = ", std::to_string(i + 1), ",",
                    std::to_string(i + 1001), "\ntcpflags = ", flags, "\ntarget = 10.0.",
                    std::to_string(i / 250), ".", std::to_string(i % 250 + 1), "\n");
  }
  expect_error(text, 0, 0, "", "the doors cannot be compiled: too many distinct knock ports");
}

TEST(KnockdConf, ErrorFormatting) {
  const auto p = parse("[d]\n\tsequence = 7000,80000\n");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(format_config_error(p.error()),
            "knockd.conf:2: sequence: port 80000 is above 65535 (expected ports like "
            "7000,8000:udp,9000:tcp)\n"
            "  \tsequence = 7000,80000\n"
            "  \t                ^\n");
}

}  // namespace
}  // namespace sesame
