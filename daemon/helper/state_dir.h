// open_state_dir: the helper's state directory (the journal, nft's table script),
// opened so that nobody but root can redirect what the helper writes there: not a
// symlink, the helper's own (root's), mode 0700. Files in it are opened relative to
// the descriptor, with O_NOFOLLOW.
#pragma once

#include <expected>
#include <string>

#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

// Creates `path` with mode 0700 if missing, then opens it O_DIRECTORY|O_NOFOLLOW.
// Fails if it is a symlink, not a directory, not owned by the helper's user (root),
// or open to group or others, saying how to fix it.
std::expected<UniqueFd, SysError> open_state_dir(const std::string& path);

}  // namespace sesame
