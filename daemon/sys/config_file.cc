// Config file I/O with plain POSIX calls; every error names the file.
#include "daemon/sys/config_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/config/config_generation.h"
#include "core/config/config_values.h"
#include "core/config/one_time_sequences.h"
#include "core/str_cat.h"
#include "daemon/sys/machine_probe.h"
#include "daemon/sys/read_write_hint.h"

namespace sesame {
namespace {

ConfigError file_error(const std::string& path, std::string message) {
  return {path, 0, 0, "", std::move(message), ""};
}

std::string errno_text(int error) { return std::strerror(error); }

// Closes the descriptor when the scope ends, whichever way it ends.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::expected<std::string, ConfigError> read_all(const std::string& path, int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::unexpected(file_error(path, errno_text(errno)));
  if (!S_ISREG(st.st_mode)) return std::unexpected(file_error(path, "not a regular file"));
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(file_error(path, errno_text(errno)));
    if (n == 0) return text;
    if (text.size() + static_cast<std::size_t>(n) > kMaxConfigFileSize)
      return std::unexpected(file_error(path, "larger than 16 MiB"));
    text.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::expected<std::string, ConfigError> read_config_text(const std::string& path) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::unexpected(file_error(path, errno_text(errno)));
  return read_all(path, fd.get());
}

ReadFile file_system_reader() {
  return [](const std::string& path) -> std::expected<std::string, std::string> {
    auto text = read_config_text(path);
    if (!text) return std::unexpected(text.error().message);
    return std::move(*text);
  };
}

std::expected<ParsedConfig, ConfigError> load_config_file(const std::string& path,
                                                          std::optional<ConfigFormat> format) {
  const auto text = read_config_text(path);
  if (!text) return std::unexpected(text.error());
  const ReadFile read = file_system_reader();
  auto parsed = format ? parse_config_as(*format, *text, path, read) : parse_config(*text, path, read);
  if (parsed) {
    disable_doors_that_cannot_run(parsed->config, path, machine_probe());
    parsed->generation = config_generation(*text);
  }
  return parsed;
}

std::expected<std::string, ConfigError> mark_one_time_sequence_used(const std::string& path,
                                                                    std::span<const KnockStep> used) {
  std::string text;
  struct stat st {};
  {
    const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return std::unexpected(file_error(path, errno_text(errno)));
    auto read = read_all(path, fd.get());
    if (!read) return std::unexpected(read.error());
    text = std::move(*read);
    if (::fstat(fd.get(), &st) != 0) return std::unexpected(file_error(path, errno_text(errno)));
  }
  const auto offset = one_time_mark_offset(text, used);
  if (!offset)
    return std::unexpected(file_error(path, str_cat("no line holds the used sequence ", format_sequence(used))));
  text[*offset] = '#';
  // A new file renamed over the old one: after a crash the file holds the old text or
  // the new, never a torn write. It gets the old one's owner and mode before it is
  // visible, so a root-only file stays root-only.
  const std::string temporary = str_cat(path, ".sesame-tmp");
  const std::string dir = directory_of(path);
  auto fail = [&](std::string_view what) {
    const int error = errno;
    const std::string message =
        str_cat("cannot mark a used sequence: ", what, ": ", errno_text(error), read_write_hint(error, dir));
    ::unlink(temporary.c_str());
    return std::unexpected(file_error(path, message));
  };
  {
    // O_EXCL: a name someone else placed there (a link to another file) is never written
    // through; a stale one from a crash is removed first.
    ::unlink(temporary.c_str());
    const Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) return fail(str_cat("open ", temporary));
    if (::fchown(fd.get(), st.st_uid, st.st_gid) != 0) return fail("fchown");
    if (::fchmod(fd.get(), st.st_mode & 07777) != 0) return fail("fchmod");
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail("write");
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return fail("fsync");
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) return fail("rename");
  const Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0)
    return std::unexpected(file_error(path, str_cat("cannot sync ", dir, ": ", errno_text(errno))));
  return text;
}

}  // namespace sesame
