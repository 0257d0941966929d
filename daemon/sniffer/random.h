// fill_random: bytes from the kernel's random source, for keys chosen at start.
#pragma once

#include <cstddef>
#include <expected>
#include <span>

#include "daemon/sys/sys_error.h"

namespace sesame {

// Fills `out` from getrandom(2), which blocks only until the pool is first seeded.
std::expected<void, SysError> fill_random(std::span<std::byte> out);

}  // namespace sesame
