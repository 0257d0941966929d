// The file system side of configuration: reading a config file and the one-time
// sequence files it names, and marking a used one-time sequence in place.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <span>
#include <string>

#include "core/config/config.h"
#include "core/config/config_check.h"
#include "core/config/config_error.h"
#include "core/config/config_format.h"
#include "core/door.h"

namespace sesame {

// Config and one-time sequence files are small; anything larger is a mistake.
inline constexpr std::size_t kMaxConfigFileSize = std::size_t{16} << 20;

// The whole file at `path`. Fails with the path and the reason (strerror's words, or
// "larger than 16 MiB"/"not a regular file"), line 0.
std::expected<std::string, ConfigError> read_config_text(const std::string& path);

// A ReadFile for the parsers that reads the filesystem (paths as written: relative
// ones from the working directory, as knockd opens them).
ReadFile file_system_reader();

// Reads and parses the config at `path`, detecting its format unless `format` is given,
// one-time sequence files included, and disables the doors this machine cannot run
// (disable_doors_that_cannot_run): sesamed, sesame-helper and `sesame check` all load
// through here. Errors name `path` (or the one-time file).
std::expected<ParsedConfig, ConfigError> load_config_file(
    const std::string& path, std::optional<ConfigFormat> format = std::nullopt);

// Marks `used` spent in the one-time sequence file at `path` as knockd does: one '#'
// over the first byte of the line that holds it (one_time_mark_offset), the rest of
// the text untouched. The text is written to a temporary file beside it with the same
// owner and mode, fsync'd, renamed over it and the directory fsync'd, so a crash
// cannot bring the sequence back or tear the file. Returns the new text; fails with
// the path and the reason, also when no line holds `used` (the file is then unchanged).
std::expected<std::string, ConfigError> mark_one_time_sequence_used(const std::string& path,
                                                                    std::span<const KnockStep> used);

}  // namespace sesame
