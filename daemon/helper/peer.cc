#include "daemon/helper/peer.h"

#include <sys/socket.h>
#include <unistd.h>

#include "core/str_cat.h"
#include "daemon/sys/sys_error.h"

namespace sesame {

std::optional<std::string> check_sniffer_socket(int fd) {
  int type = 0;
  socklen_t len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_SEQPACKET)
    return str_cat("descriptor ", std::to_string(fd), " is not a SOCK_SEQPACKET socket; sesame-helper is started "
                   "by sesamed");
  ucred peer{};
  len = sizeof peer;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0)
    return format_sys_error(sys_error(str_cat("SO_PEERCRED on descriptor ", std::to_string(fd))));
  if (peer.pid != getppid())
    return str_cat("descriptor ", std::to_string(fd), " belongs to process ", std::to_string(peer.pid),
                   ", not to the parent ", std::to_string(getppid()), "; sesame-helper is started by sesamed");
  return std::nullopt;
}

}  // namespace sesame
