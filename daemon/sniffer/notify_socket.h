// notify_service_manager: systemd's notification protocol (Type=notify), spoken directly
// rather than through libsystemd's sd_notify, whose library brings libgcrypt, liblzma,
// libzstd, liblz4 and libcap into sesamed. The protocol is the stable one sd_notify(3)
// documents, with a standalone implementation: one datagram on an AF_UNIX socket.
#pragma once

#include <cstdlib>
#include <expected>
#include <string_view>

#include "daemon/sys/sys_error.h"

namespace sesame {

// Sends `state` ("READY=1\nSTATUS=...") as one datagram to the socket `address` names:
// a path, or an abstract name written with a leading '@'. An empty address (no
// $NOTIFY_SOCKET: not started by systemd) sends nothing and succeeds.
std::expected<void, SysError> notify_service_manager(std::string_view address, std::string_view state);

// The address systemd passes in $NOTIFY_SOCKET, empty when it is unset.
inline std::string_view notify_socket_address() {
  const char* address = std::getenv("NOTIFY_SOCKET");
  return address ? address : "";
}

}  // namespace sesame
