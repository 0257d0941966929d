// SysError's errno capture and text.
#include "daemon/sys/sys_error.h"

#include <cerrno>
#include <cstring>

#include "core/str_cat.h"

namespace sesame {

SysError sys_error(std::string what) { return {std::move(what), errno}; }

std::string format_sys_error(const SysError& e) {
  if (e.error == 0) return e.what;
  return str_cat(e.what, ": ", std::strerror(e.error));
}

}  // namespace sesame
