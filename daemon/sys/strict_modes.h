// StrictModes (after sshd's): every file whose contents become root's actions (the
// config, one-time sequence files, the programs of exec commands) and every directory
// above it must be root's and not writable by group or others, or whoever can write
// one of them can make the root helper run what they like.
#pragma once

#include <optional>
#include <string>

#include "core/config/config.h"
#include "core/config/config_error.h"

namespace sesame {

struct UnsafePath {
  std::string path;  // the file or directory at fault
  std::string why;   // what is wrong with it and the command that fixes it
};

// Whether `path` (resolved through symlinks) or a directory above it is unsafe;
// nullopt if it is safe. A directory writable by others passes if it is root's and
// sticky (/tmp): others may not replace what root put there.
std::optional<UnsafePath> unsafe_path(const std::string& path);

// The first unsafe file among the config at config_path, its doors' one-time
// sequence files, and, with the exec backend, every file a command's program may be
// (on the fixed PATH the helper searches); as a ConfigError naming the path at fault.
// Disabled doors are skipped: they run nothing.
std::optional<ConfigError> strict_modes_refusal(const std::string& config_path, const Config& config);

}  // namespace sesame
