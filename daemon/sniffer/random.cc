// getrandom(2) until the buffer is full.
#include "daemon/sniffer/random.h"

#include <sys/random.h>

#include <cerrno>

namespace sesame {

std::expected<void, SysError> fill_random(std::span<std::byte> out) {
  while (!out.empty()) {
    const ssize_t n = getrandom(out.data(), out.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(sys_error("getrandom"));
    }
    out = out.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace sesame
