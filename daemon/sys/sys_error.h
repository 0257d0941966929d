// SysError: a failed system call, what it was doing and the errno it left.
#pragma once

#include <string>

namespace sesame {

struct SysError {
  std::string what;  // the call and its object: "bind(AF_PACKET) to veth0"
  int error = 0;     // errno; 0 when no system call failed (a check did)
};

// A SysError for `what` with the current errno.
SysError sys_error(std::string what);
// "what: strerror(error)", or just `what` when error is 0.
std::string format_sys_error(const SysError& e);

}  // namespace sesame
