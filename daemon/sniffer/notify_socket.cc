// As sd_notify(3)'s standalone example: a fresh SOCK_DGRAM socket per message, connected
// to the address, the state written whole.
#include "daemon/sniffer/notify_socket.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

#include "daemon/sys/unique_fd.h"

namespace sesame {

std::expected<void, SysError> notify_service_manager(std::string_view address, std::string_view state) {
  if (address.empty()) return {};
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  // A path must be absolute; '@' stands for the NUL that starts an abstract name.
  if ((address[0] != '/' && address[0] != '@') || address.size() < 2 || address.size() > sizeof(sun.sun_path))
    return std::unexpected(SysError{"NOTIFY_SOCKET: neither an absolute path nor an abstract '@' name", EINVAL});
  std::memcpy(sun.sun_path, address.data(), address.size());
  if (sun.sun_path[0] == '@') sun.sun_path[0] = '\0';
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
  UniqueFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) return std::unexpected(sys_error("socket(AF_UNIX) for NOTIFY_SOCKET"));
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&sun), length) != 0)
    return std::unexpected(sys_error("connect to NOTIFY_SOCKET"));
  const ssize_t n = write(fd.get(), state.data(), state.size());
  if (n < 0) return std::unexpected(sys_error("write to NOTIFY_SOCKET"));
  if (static_cast<std::size_t>(n) != state.size())
    return std::unexpected(SysError{"write to NOTIFY_SOCKET: short datagram", EPROTO});
  return {};
}

}  // namespace sesame
