// Peer: whether the helper's socket is the one its parent, sesamed, handed over.
#pragma once

#include <optional>
#include <string>

namespace sesame {

// Nullopt if `fd` is one end of a SOCK_SEQPACKET socketpair that the parent process
// created (SO_PEERCRED names the process that called socketpair; a pair has no
// address, so nobody else can connect to it); otherwise why not.
std::optional<std::string> check_sniffer_socket(int fd);

}  // namespace sesame
