// The real MachineProbe: access(2), if_nametoindex, SIOCGIFHWADDR, open(2).
#include "daemon/sys/machine_probe.h"

#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "core/str_cat.h"

namespace sesame {

std::optional<std::string> find_program(const std::string& program) {
  if (program.find('/') != std::string::npos)
    return access(program.c_str(), X_OK) == 0 ? std::optional(program) : std::nullopt;
  for (std::string_view dir : {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"}) {
    std::string candidate = str_cat(dir, program);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

std::expected<LinkFraming, std::string> interface_framing(const std::string& name) {
  if (if_nametoindex(name.c_str()) == 0)
    return std::unexpected(str_cat("no interface named ", name, " (", std::strerror(errno), ")"));
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::unexpected(str_cat("socket(AF_INET): ", std::strerror(errno)));
  ifreq req{};
  name.copy(req.ifr_name, sizeof req.ifr_name - 1);
  const int r = ioctl(fd, SIOCGIFHWADDR, &req);
  const int error = errno;
  close(fd);
  if (r < 0) return std::unexpected(str_cat("SIOCGIFHWADDR on ", name, ": ", std::strerror(error)));
  switch (req.ifr_hwaddr.sa_family) {
    case ARPHRD_ETHER:
    case ARPHRD_LOOPBACK:
      return LinkFraming::kEthernet;
    // No link header: the packet socket sees the IP header first (knockd's pcap
    // reads these as DLT_RAW or Linux cooked frames).
    case ARPHRD_NONE:
    case ARPHRD_PPP:
    case ARPHRD_RAWIP:
      return LinkFraming::kIp;
    default:
      return std::unexpected(str_cat("interface ", name, " has link type ARPHRD ",
                                     std::to_string(req.ifr_hwaddr.sa_family),
                                     ", which sesamed does not read (it reads Ethernet, tun, WireGuard and ppp)"));
  }
}

std::string interface_problem(const std::string& name) {
  auto framing = interface_framing(name);
  return framing ? std::string() : std::move(framing.error());
}

MachineProbe machine_probe() {
  return MachineProbe{
      .program = [](const std::string& p) -> std::string {
        return find_program(p) ? std::string() : "is not installed or not executable";
      },
      .interface = interface_problem,
      .log_file = [](const std::string& path) -> std::string {
        // Opened as the log opens it, but never created here: a missing file's
        // directory must let root create it.
        const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
        if (fd >= 0) {
          close(fd);
          return {};
        }
        if (errno != ENOENT) return std::strerror(errno);
        const std::size_t slash = path.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
        return access(dir.c_str(), W_OK) == 0 ? std::string() : str_cat("cannot create it in ", dir, ": ", std::strerror(errno));
      },
  };
}

}  // namespace sesame
