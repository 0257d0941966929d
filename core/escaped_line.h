// EscapedLine: untrusted text made into one printable line of bounded length, for a log
// a person or a script reads line by line (the sniffer's lines in the helper's file).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sesame {

// What an escaped line ends with when it was cut.
inline constexpr std::string_view kCutMark = " [cut]";

// `text` with every byte outside printable ASCII (and tab) written as \xNN, and the
// backslash as \\, so no byte of it can end the line, start another or move a
// terminal's cursor, and an escape in the output always means one in the input. At
// most `max_bytes` of escapes (never half a one), then kCutMark when something was
// left out or `cut` says the text was cut already.
std::string escaped_line(std::string_view text, std::size_t max_bytes, bool cut = false);

}  // namespace sesame
