#include "daemon/sys/read_write_hint.h"

#include <cerrno>

#include "core/str_cat.h"

namespace sesame {

std::string read_write_hint(int error, std::string_view dir) {
  if (error != EROFS && error != EACCES && error != EPERM) return {};
  return str_cat("; if sesamed runs under systemd, whose unit leaves the system read-only (ProtectSystem=strict), "
                 "let it write there: `systemctl edit sesamed`, add \"[Service]\" and \"ReadWritePaths=",
                 dir, "\", then `systemctl restart sesamed`");
}

std::string directory_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  return std::string(slash == 0 ? path.substr(0, 1) : path.substr(0, slash));
}

}  // namespace sesame
