// The line sesamed -D (knockd's debug option) logs for each frame that reaches the
// matcher: formatted values only (protocol, addresses, ports, TCP flags), never packet
// bytes, so a crafted payload cannot put anything into the log.
#pragma once

#include <string>
#include <string_view>

#include "core/knock.h"

namespace sesame {

// "packet on eth0: tcp 198.18.0.2:40000 -> 198.18.0.1:7000 flags syn",
// "packet on tun0: udp [2001:2::2]:53 -> [2001:2::1]:9000".
std::string packet_line(std::string_view interface, const Knock& knock);

}  // namespace sesame
