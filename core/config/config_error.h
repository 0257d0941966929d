// ConfigError: where a configuration file is wrong and what was expected there.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sesame {

// One problem in a config file (or in a one-time sequence file it names). Warnings
// have the same shape: the file is accepted, but the operator should read this line.
struct ConfigError {
  std::string file;
  std::size_t line = 0;    // 1-based; 0 when the problem is the file as a whole
  std::size_t column = 0;  // 1-based byte column; 0 when no caret helps
  std::string field;       // the key as the file spells it ("Sequence", "door[1].open"), or empty
  std::string message;     // what is wrong and what was expected
  // The offending line as written, kept so the error prints without the file at hand.
  std::string source_line;
};

// Line `line` (1-based) of `text`, without its line ending; empty past the end or for
// line 0. A view into `text`.
std::string_view nth_line(std::string_view text, std::size_t line);

// The error located at `line`/`column` of `text` (the file's whole text): fills
// source_line. A line past the end of `text` leaves source_line empty.
ConfigError config_error_at(std::string_view file, std::string_view text, std::size_t line,
                            std::size_t column, std::string field, std::string message);

// "file:line: field: message", then the line and a caret under the column (each
// omitted when unknown), ending in a newline.
std::string format_config_error(const ConfigError& e);
// The same with "warning: " before the field.
std::string format_config_warning(const ConfigError& e);

}  // namespace sesame
