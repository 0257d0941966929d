// The helper's state files (the grant journal, the SPA replay file): read whole with a
// size bound, replaced whole so that a crash leaves the old text or the new one. Both
// are opened relative to the state directory's descriptor (open_state_dir) with
// O_NOFOLLOW, so nobody can plant a symlink that redirects a root write.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

#include "daemon/sys/sys_error.h"

namespace sesame {

// The text of `name` in the directory open as `dir_fd` (`dir` in messages); empty if
// it does not exist; an error past `max_size` bytes or if `name` is a symlink.
std::expected<std::string, SysError> read_state_file(int dir_fd, const std::string& dir, const std::string& name,
                                                     std::size_t max_size);

// Writes `text` to NAME.new, fsyncs it, renames it over `name` and fsyncs the directory.
std::expected<void, SysError> replace_state_file(int dir_fd, const std::string& dir, const std::string& name,
                                                 std::string_view text);

}  // namespace sesame
