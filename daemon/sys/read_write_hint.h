// What to do when the helper, root, still cannot write a directory: under the systemd
// unit the file system is read-only (ProtectSystem=strict) but for the unit's
// ReadWritePaths, so a knockd One_Time_Sequences file kept elsewhere cannot be marked
// until a drop-in lets the service write its directory.
#pragma once

#include <string>
#include <string_view>

namespace sesame {

// For an error that says `dir` is not writable (EROFS, EACCES, EPERM): the sentence
// that tells the operator the drop-in to add, starting "; ". Empty for other errors.
std::string read_write_hint(int error, std::string_view dir);

// The directory a file at `path` lives in ("." for a bare name).
std::string directory_of(std::string_view path);

}  // namespace sesame
