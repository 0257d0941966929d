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
  if (parsed) parsed->generation = config_generation(*text);
  return parsed;
}

std::expected<void, ConfigError> mark_one_time_sequence_used(const std::string& path,
                                                             std::span<const KnockStep> used) {
  const Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) return std::unexpected(file_error(path, errno_text(errno)));
  const auto text = read_all(path, fd.get());
  if (!text) return std::unexpected(text.error());
  const auto offset = one_time_mark_offset(*text, used);
  if (!offset) {
    return std::unexpected(
        file_error(path, str_cat("no line holds the used sequence ", format_sequence(used))));
  }
  const char mark = '#';
  ssize_t n;
  do n = ::pwrite(fd.get(), &mark, 1, static_cast<off_t>(*offset));
  while (n < 0 && errno == EINTR);
  if (n != 1)
    return std::unexpected(
        file_error(path, str_cat("cannot mark a used sequence: ", errno_text(errno))));
  if (::fdatasync(fd.get()) != 0)
    return std::unexpected(file_error(path, str_cat("cannot sync: ", errno_text(errno))));
  return {};
}

}  // namespace sesame
