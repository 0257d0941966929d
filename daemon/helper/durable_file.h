// The helper's state files (the grant journal, the SPA replay file): read whole with a
// size bound, replaced whole so that a crash leaves the old text or the new one.
#pragma once

#include <cstddef>
#include <expected>
#include <string>

#include "daemon/sys/sys_error.h"

namespace sesame {

// The file's text; empty if it does not exist; an error past `max_size` bytes.
std::expected<std::string, SysError> read_state_file(const std::string& path, std::size_t max_size);

// Writes `text` to path.new, fsyncs it, renames it over `path` and fsyncs `dir`.
std::expected<void, SysError> replace_state_file(const std::string& dir, const std::string& path,
                                                 std::string_view text);

}  // namespace sesame
