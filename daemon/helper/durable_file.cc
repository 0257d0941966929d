// Whole-file reads and crash-safe replacement (temporary file, fsync, rename, fsync of
// the directory), shared by the helper's state files.
#include "daemon/helper/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "core/str_cat.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

std::expected<std::string, SysError> read_state_file(int dir_fd, const std::string& dir, const std::string& name,
                                                     std::size_t max_size) {
  const std::string path = str_cat(dir, "/", name);
  std::string text;
  const UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return text;
    return std::unexpected(sys_error(str_cat("open ", path)));
  }
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(sys_error(str_cat("read ", path)));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_size)
      return std::unexpected(SysError{str_cat(path, " is larger than ", std::to_string(max_size), " bytes"), 0});
  }
  return text;
}

std::expected<void, SysError> replace_state_file(int dir_fd, const std::string& dir, const std::string& name,
                                                 std::string_view text) {
  const std::string temporary = str_cat(name, ".new");
  const std::string temporary_path = str_cat(dir, "/", temporary);
  {
    const UniqueFd fd(
        ::openat(dir_fd, temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) return std::unexpected(sys_error(str_cat("open ", temporary_path)));
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return std::unexpected(sys_error(str_cat("write ", temporary_path)));
      done += static_cast<std::size_t>(n);
    }
    if (fsync(fd.get()) != 0) return std::unexpected(sys_error(str_cat("fsync ", temporary_path)));
  }
  if (renameat(dir_fd, temporary.c_str(), dir_fd, name.c_str()) != 0)
    return std::unexpected(sys_error(str_cat("rename to ", dir, "/", name)));
  if (fsync(dir_fd) != 0) return std::unexpected(sys_error(str_cat("fsync ", dir)));
  return {};
}

}  // namespace sesame
