// The grant journal: one rule per line, replaced whole and synced on every change.
#include "daemon/helper/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/str_cat.h"
#include "daemon/unique_fd.h"

namespace sesame {
namespace {

// A journal this large was not written by the helper.
constexpr std::size_t kMaxJournalSize = std::size_t{16} << 20;

}  // namespace

std::expected<Journal, SysError> Journal::open(std::string dir) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return std::unexpected(sys_error(str_cat("mkdir ", dir)));
  Journal j;
  j.path_ = str_cat(dir, "/grants");
  j.dir_ = std::move(dir);
  return j;
}

std::expected<std::vector<UfwRule>, SysError> Journal::read(std::size_t& skipped) const {
  skipped = 0;
  std::vector<UfwRule> rules;
  const UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return rules;
    return std::unexpected(sys_error(str_cat("open ", path_)));
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(sys_error(str_cat("read ", path_)));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxJournalSize) return std::unexpected(SysError{str_cat(path_, " is larger than 16 MiB"), 0});
  }
  for (std::size_t begin = 0, end; begin < text.size(); begin = end + 1) {
    end = std::min(text.find('\n', begin), text.size());
    if (end == begin) continue;
    if (auto rule = parse_ufw_rule(std::string_view(text).substr(begin, end - begin)))
      rules.push_back(std::move(*rule));
    else
      ++skipped;
  }
  return rules;
}

std::expected<void, SysError> Journal::write(std::span<const UfwRule> rules) const {
  std::string text;
  for (const UfwRule& r : rules) text += str_cat(format_ufw_rule(r), "\n");
  const std::string temporary = str_cat(path_, ".new");
  {
    const UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) return std::unexpected(sys_error(str_cat("open ", temporary)));
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return std::unexpected(sys_error(str_cat("write ", temporary)));
      done += static_cast<std::size_t>(n);
    }
    if (fsync(fd.get()) != 0) return std::unexpected(sys_error(str_cat("fsync ", temporary)));
  }
  if (rename(temporary.c_str(), path_.c_str()) != 0) return std::unexpected(sys_error(str_cat("rename to ", path_)));
  const UniqueFd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir || fsync(dir.get()) != 0) return std::unexpected(sys_error(str_cat("fsync ", dir_)));
  return {};
}

}  // namespace sesame
