// Journal: the file under the state directory that lists every ufw rule the helper has
// open, so that a run after a crash can close what the last one left.
#pragma once

#include <expected>
#include <span>
#include <string>
#include <vector>

#include "daemon/helper/ufw.h"
#include "daemon/sys_error.h"

namespace sesame {


class Journal {
 public:
  // Creates `dir` (mode 0700) if missing. The journal is dir/grants.
  static std::expected<Journal, SysError> open(std::string dir);

  // The rules the file lists (none if there is no file). Lines that are not a rule
  // are skipped and counted in `skipped`.
  std::expected<std::vector<UfwRule>, SysError> read(std::size_t& skipped) const;

  // Replaces the file's contents with `rules`: written to a temporary file, fsync'd,
  // renamed over the journal, and the directory fsync'd, so after a crash the file
  // holds either the old list or the new one.
  std::expected<void, SysError> write(std::span<const UfwRule> rules) const;

  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

}  // namespace sesame
