// command_from_knockd: which knockd command lines split into argv, which need a shell.
#include "core/config/command_template.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

using Argv = std::vector<std::string>;

Argv split(std::string_view line) {
  KnockdCommand c = command_from_knockd(line);
  EXPECT_EQ(c.shell_reason, "") << line;
  return c.command.argv;
}

std::string shell_reason(std::string_view line) {
  KnockdCommand c = command_from_knockd(line);
  EXPECT_EQ(c.command.argv, (Argv{"/bin/sh", "-c", std::string(line)})) << line;
  return c.shell_reason;
}

TEST(CommandTemplate, PlainCommandSplitsAtBlanks) {
  EXPECT_EQ(split("ufw allow from %IP% to any port 55555 proto tcp"),
            (Argv{"ufw", "allow", "from", "%IP%", "to", "any", "port", "55555", "proto", "tcp"}));
  EXPECT_EQ(split("/sbin/iptables  -A INPUT\t-s %IP% -j ACCEPT"),
            (Argv{"/sbin/iptables", "-A", "INPUT", "-s", "%IP%", "-j", "ACCEPT"}));
}

TEST(CommandTemplate, EmptyCommandRunsNothing) { EXPECT_EQ(split(""), Argv{}); }

TEST(CommandTemplate, PlainQuotesAreRemovedAsShWould) {
  EXPECT_EQ(split("logger -t knock 'door opened for %IP%'"),
            (Argv{"logger", "-t", "knock", "door opened for %IP%"}));
  EXPECT_EQ(split("iptables -m comment --comment \"knock door\" -s %IP%"),
            (Argv{"iptables", "-m", "comment", "--comment", "knock door", "-s", "%IP%"}));
  EXPECT_EQ(split("printf ''"), (Argv{"printf", ""}));
  EXPECT_EQ(split("a'b c'\"d\"e"), (Argv{"ab cde"}));
  // In single quotes everything is literal, shell characters included.
  EXPECT_EQ(split("echo '$HOME | x'"), (Argv{"echo", "$HOME | x"}));
}

TEST(CommandTemplate, CharactersThatOnlyMeanSomethingAtAWordStart) {
  EXPECT_EQ(split("iptables -A INPUT ! -s 10.0.0.0/8 -j DROP"),
            (Argv{"iptables", "-A", "INPUT", "!", "-s", "10.0.0.0/8", "-j", "DROP"}));
  EXPECT_EQ(split("tool --tag=a#b x~y --opt=1"), (Argv{"tool", "--tag=a#b", "x~y", "--opt=1"}));
}

TEST(CommandTemplate, ShellSyntaxRunsUnderShWithTheReason) {
  EXPECT_EQ(shell_reason("echo %IP% | logger"), "'|'");
  EXPECT_EQ(shell_reason("a && b"), "'&'");
  EXPECT_EQ(shell_reason("a; b"), "';'");
  EXPECT_EQ(shell_reason("echo %IP% > /tmp/x"), "'>'");
  EXPECT_EQ(shell_reason("cat < /tmp/x"), "'<'");
  EXPECT_EQ(shell_reason("echo $(date)"), "'$'");
  EXPECT_EQ(shell_reason("echo `date`"), "'`'");
  EXPECT_EQ(shell_reason("echo $HOME"), "'$'");
  EXPECT_EQ(shell_reason("rm /tmp/knock.*"), "'*'");
  EXPECT_EQ(shell_reason("ls /tmp/?"), "'?'");
  EXPECT_EQ(shell_reason("ls [ab]"), "'['");
  EXPECT_EQ(shell_reason("echo a\\ b"), "'\\'");
  EXPECT_EQ(shell_reason("(cd /tmp)"), "'('");
  EXPECT_EQ(shell_reason("echo {a,b}"), "'{'");
  EXPECT_EQ(shell_reason("echo x # comment"), "'#' at the start of a word");
  EXPECT_EQ(shell_reason("ls ~/x"), "'~' at the start of a word");
  EXPECT_EQ(shell_reason("PATH=/x cmd"), "a variable assignment");
  EXPECT_EQ(shell_reason("echo \"$IP\""), "'$' inside \"...\"");
  EXPECT_EQ(shell_reason("echo \"a`b`\""), "'`' inside \"...\"");
  EXPECT_EQ(shell_reason("echo 'open"), "an unterminated ''' quote");
  EXPECT_EQ(shell_reason("cd /tmp"), "the shell word 'cd'");
  EXPECT_EQ(shell_reason("exec iptables -L"), "the shell word 'exec'");
  EXPECT_EQ(shell_reason("! true"), "the shell word '!'");
  EXPECT_EQ(shell_reason("if true"), "the shell word 'if'");
}

TEST(CommandTemplate, ExpandReplacesEveryPlaceholderPerElement) {
  const CommandTemplate t{{"ufw", "allow", "from", "%IP%", "--comment", "knock %IP%/%IP%"}};
  EXPECT_EQ(expand_command(t, *Address::parse("192.0.2.7")),
            (Argv{"ufw", "allow", "from", "192.0.2.7", "--comment", "knock 192.0.2.7/192.0.2.7"}));
  EXPECT_EQ(expand_command(t, *Address::parse("2001:db8::1"))[3], "2001:db8::1");
}

TEST(CommandTemplate, ExpandInsideAShellCommandKeepsOneArgument) {
  const KnockdCommand c = command_from_knockd("echo %IP% | logger");
  EXPECT_EQ(expand_command(c.command, *Address::parse("198.51.100.1")),
            (Argv{"/bin/sh", "-c", "echo 198.51.100.1 | logger"}));
}

// What `sesame check` looks for in a shell line: the absolute programs of its simple
// commands, from its plain start only.
TEST(ShellLinePrograms, FirstWordsByAbsolutePathBeforeAnyQuote) {
  using V = std::vector<std::string>;
  EXPECT_EQ(shell_line_programs("/sbin/iptables -I INPUT -s %IP% -j ACCEPT && /usr/bin/logger -t knockd %IP%"),
            (V{"/sbin/iptables", "/usr/bin/logger"}));
  EXPECT_EQ(shell_line_programs("/bin/a; /bin/b|/bin/c || /bin/d & /bin/e\n/bin/f"),
            (V{"/bin/a", "/bin/b", "/bin/c", "/bin/d", "/bin/e", "/bin/f"}));
  // Arguments, names looked up on PATH, assignments and redirections are no programs;
  // '>&' is a redirection, not an operator.
  EXPECT_EQ(shell_line_programs("logger /tmp/x; FOO=1 /bin/x; /bin/a 2>&1 >& /tmp/log; >/tmp/y /bin/z"),
            (V{"/bin/a"}));
  // Past a quote, '$', '`', '\\' or '#' nothing is trusted; a word the cut ends is left out.
  EXPECT_EQ(shell_line_programs("/bin/a 'x; /bin/b' ; /bin/c"), (V{"/bin/a"}));
  EXPECT_EQ(shell_line_programs("/bin/a && /usr/bin/fo\"o\""), (V{"/bin/a"}));
  EXPECT_EQ(shell_line_programs("/bin/a $(/bin/b) | /bin/c"), (V{"/bin/a"}));
  EXPECT_EQ(shell_line_programs("/usr/lib/%IP%/x && /bin/b"), (V{"/bin/b"}));
}

}  // namespace
}  // namespace sesame
