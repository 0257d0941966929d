// knockd's one-time sequence files: which line is the current sequence, and where the
// '#' goes that marks it used.
//
// knockd 0.8 (get_next_one_time_sequence, disable_used_one_time_sequence): a line is
// skipped if, trimmed, it is empty or starts with '#', or if knockd cannot parse it as
// a sequence. The first other line is the door's sequence. Once it has opened the door,
// knockd overwrites that line's first byte (whitespace included) with '#' in place,
// and the next such line becomes the sequence. With no line left the door is disabled;
// at startup that is a fatal config error.
//
// One deliberate difference: knockd remembers the position after the last comment or
// blank line, so when a line it cannot parse precedes the current one it writes the
// '#' over that unparsable line and the used sequence stays valid. sesame marks the
// line that was used.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/config/config_error.h"
#include "core/door.h"

namespace sesame {

struct OneTimeSequence {
  std::vector<KnockStep> sequence;
  std::size_t line;  // 1-based
};

// The current sequence of a one-time sequence file's `text`. Fails (naming `file` and
// the line) when no line is left, when the file is not text knockd reads line for line
// (knockd_lines), or when the current line is one knockd reads its own lenient way but
// sesame refuses ("80x", "x"): the two would then disagree on the sequence.
std::expected<OneTimeSequence, ConfigError> current_one_time_sequence(std::string_view text,
                                                                      std::string_view file);

// The edit that marks `used` spent: the offset of the byte to overwrite with '#', the
// first byte of the first line that holds exactly `used` (knockd's search, so a file
// edited since the sequence was read still gets the right line). Nullopt if no line
// does, or the text is not one knockd_lines accepts.
std::optional<std::size_t> one_time_mark_offset(std::string_view text,
                                                std::span<const KnockStep> used);

}  // namespace sesame
