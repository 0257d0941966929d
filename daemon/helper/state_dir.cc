// The state directory's checks, on the descriptor (fstat), never on the path again.
#include "daemon/helper/state_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "core/str_cat.h"

namespace sesame {

std::expected<UniqueFd, SysError> open_state_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return std::unexpected(sys_error(str_cat("mkdir ", path)));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ELOOP || errno == ENOTDIR)
      return std::unexpected(SysError{str_cat("state directory ", path, " is a symlink or not a directory; make it a "
                                              "directory of root's, mode 0700"),
                                      0});
    return std::unexpected(sys_error(str_cat("open ", path)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return std::unexpected(sys_error(str_cat("fstat ", path)));
  if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return std::unexpected(SysError{
        str_cat("state directory ", path, " is uid ", std::to_string(st.st_uid), "'s with mode ", mode,
                "; it must be uid ", std::to_string(::geteuid()), "'s and 0700, as others could redirect the "
                "journal (fix: chown ", std::to_string(::geteuid()), " '", path, "' && chmod 0700 '", path, "')"),
        0});
  }
  return fd;
}

}  // namespace sesame
