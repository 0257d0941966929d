// CommandTemplate: a command as argv whose elements may hold %IP%, and how a knockd
// command line becomes one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"

namespace sesame {

// knockd's placeholder for the knocking source's address.
inline constexpr std::string_view kIpPlaceholder = "%IP%";

struct CommandTemplate {
  // Run as is (argv[0] found on PATH when it has no '/', as the shell would). Empty:
  // run nothing, which is what knockd does with an empty command.
  std::vector<std::string> argv;
  friend bool operator==(const CommandTemplate&, const CommandTemplate&) = default;
};

inline constexpr std::string_view kShell = "/bin/sh";

struct KnockdCommand {
  CommandTemplate command;
  // Empty when the line was split into argv; otherwise what needs a shell ("'|'"),
  // and command is {"/bin/sh", "-c", line}.
  std::string shell_reason;
};

// knockd hands its command lines to libc's system function. A line that uses no shell syntax
// (operators, redirections, expansions, globs, comments, builtins, quotes the shell
// would interpret) means the same split into words at blanks, with plain '...' and
// "..." quoting removed; any other line runs under /bin/sh -c, as in knockd.
KnockdCommand command_from_knockd(std::string_view line);

// The programs a shell line runs by absolute path, as far as a look with no shell
// parser can tell, for `sesame check`: the first word of each simple command (at the
// start, after ';', '&', '&&', '|', '||' or a newline) that starts with '/'. Only the
// line's plain start is read, up to the first quote, backslash, backtick, '$' or '#':
// past one of those a word or an operator may not be what it looks like, so nothing
// there is reported (a missing program there shows when the command runs).
std::vector<std::string> shell_line_programs(std::string_view line);

// argv with every %IP% replaced by `source`, formatted by sesame (only hex digits,
// '.' and ':'), one element at a time so an address never changes the word count.
std::vector<std::string> expand_command(const CommandTemplate& command, const Address& source);

}  // namespace sesame
