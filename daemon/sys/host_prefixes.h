// host_prefixes: every address the host holds, on any interface, with its prefix
// length: what check_source compares a knock's source against.
#pragma once

#include <expected>
#include <vector>

#include "core/source_check.h"
#include "daemon/sys/sys_error.h"

namespace sesame {

// getifaddrs (a netlink socket): both processes call it, the sniffer also after its
// privilege drop when it rebuilds its rules.
std::expected<std::vector<LocalPrefix>, SysError> host_prefixes();

}  // namespace sesame
