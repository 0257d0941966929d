// knockd's text conventions, shared by knockd.conf and one-time sequence files: lines,
// trimming, and port sequences ("7000,8000:udp").
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config_error.h"
#include "core/door.h"

namespace sesame {

// knockd reads lines with fgets into PATH_MAX bytes and splits longer ones; sesame
// refuses them instead of guessing.
inline constexpr std::size_t kMaxKnockdLine = 4094;

struct KnockdLine {
  std::size_t number;     // 1-based
  std::size_t offset;     // of the line's first byte in the text
  std::string_view text;  // without "\n" or "\r\n"; a view into the parsed text
};

// The lines of `text`. Fails, naming `file` and the line, on a NUL byte (knockd would
// silently end the line there), bytes that are not UTF-8, or a line longer than
// kMaxKnockdLine.
std::expected<std::vector<KnockdLine>, ConfigError> knockd_lines(std::string_view text,
                                                                 std::string_view file);

// `s` without the leading and trailing bytes C's isspace() accepts, as knockd's trim().
std::string_view knockd_trim(std::string_view s);

struct SequenceError {
  std::size_t offset;  // into the parsed text, where the bad element starts
  std::string message;
  // knockd refuses this sequence too (too many ports, a port above 65535, an unknown
  // protocol), so it skips such a line in a one-time sequence file. Otherwise knockd
  // would read the text its own way (atoi: "80x" is 80, "x" and "" are port 0, "-1"
  // is 65535) where sesame will not guess.
  bool knockd_refuses;
};

// "port[:protocol],..." with blanks around each part, protocol tcp (the default) or udp
// in any case, at most kMaxSequenceLength ports, each 1-65535.
std::expected<std::vector<KnockStep>, SequenceError> parse_knockd_sequence(std::string_view text);

}  // namespace sesame
