// parse_knockd_conf: knockd 0.8's configuration file, read as knockd reads it.
//
// What knockd's parseconfig() accepts, and so what this reader accepts:
//  - Lines are trimmed of C whitespace (so CRLF files work). Blank lines and lines
//    starting with '#' are skipped; a '#' later in a line is part of the value.
//  - "[name]" starts a section: "[options]" (exactly, case-sensitive) holds options,
//    any other name starts a door of that name (blanks inside the brackets included).
//    "[]" is an error, and so is a directive before the first section.
//  - A directive is "key = value", split at the first '='; key and value are trimmed
//    and keys compare case-insensitively. "UseSyslog" alone (no '=') is accepted in
//    any section; every other key needs '='.
//  - [options]: UseSyslog, LogFile, PidFile, Interface. Doors: Sequence,
//    One_Time_Sequences, Seq_Timeout (or Timeout), TCPFlags, Target, Start_Command (or
//    Command), Start_Command_6 (or Command_6), Cmd_Timeout, Stop_Command,
//    Stop_Command_6. Any other key is an error. A key given twice keeps the last value;
//    TCPFlags lines add up, the last word for each flag winning.
//  - TCPFlags: words split at ',' with no trimming (knockd refuses "syn, ack"), each a
//    flag or '!' and a flag, in any case.
//  - Defaults: Seq_Timeout 25 s, Cmd_Timeout 10 s (used only with a stop command),
//    Interface eth0 (also for an empty Interface value), no syslog and no log file.
//
// Where sesame is stricter, it says so with the line instead of guessing:
//  - Numbers are plain decimal: knockd's atoi reads "5s" as 5, "x" as 0 and "-1" as
//    -1; in a sequence "80x" is port 80 and "x" or an empty entry port 0.
//  - Seq_Timeout must be at least 1 (0 makes every attempt time out at once).
//  - Target must be an IP address (knockd passes it to a pcap filter, which would
//    also resolve a host name at startup).
//  - Door names longer than 127 bytes (knockd cuts them), lines longer than 4094 bytes
//    (knockd splits them), NUL bytes and text that is not UTF-8 are refused.
//  - A door with both Sequence and One_Time_Sequences is refused: knockd would knock
//    on whichever came last but still mark lines of the file.
//  - Two doors with the same name, ambiguous sequences and the rest of check_config.
//  - A config without doors is refused (knockd would start and do nothing).
//
// The result uses the exec backend: each door runs its commands, as knockd does. A
// command is split into argv unless it needs a shell (command_from_knockd); such a
// command is kept as /bin/sh -c LINE, which sesame-helper runs (as knockd's call to libc's system
// would) and `sesame import-knockd` writes, and is listed with its line in
// shell_commands (and warnings) so `sesame check` names it. PidFile is
// ignored with a warning (systemd tracks sesamed's pid).
#pragma once

#include <expected>
#include <string_view>

#include "core/config/config.h"
#include "core/config/config_check.h"
#include "core/config/config_error.h"

namespace sesame {

// The config in `text` (named `file` in errors), with one-time sequence files read
// through `read`. Fails with the first problem.
std::expected<ParsedConfig, ConfigError> parse_knockd_conf(std::string_view text,
                                                           std::string_view file,
                                                           const ReadFile& read);

}  // namespace sesame
