// The address watch thread: netlink in, a signal to the main thread out.
#include "daemon/sniffer/address_watch.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace sesame {

std::expected<AddressWatch, SysError> AddressWatch::open(std::span<const unsigned> ifindexes, bool ipv4_only) {
  UniqueFd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd) return std::unexpected(sys_error("socket(AF_NETLINK)"));
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_IPV4_IFADDR | (ipv4_only ? 0 : RTMGRP_IPV6_IFADDR);
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0)
    return std::unexpected(sys_error("bind netlink address groups"));
  // The thread wakes now and then to see whether it must stop.
  const timeval wake{0, kWakeMs * 1000};
  if (setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &wake, sizeof wake) != 0)
    return std::unexpected(sys_error("setsockopt(SO_RCVTIMEO)"));
  return AddressWatch(std::move(fd), std::vector<unsigned>(ifindexes.begin(), ifindexes.end()));
}

AddressWatch::~AddressWatch() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void AddressWatch::start() {
  thread_ = std::jthread([this] { run(); });
}

void AddressWatch::run() {
  alignas(nlmsghdr) char buffer[8192];
  while (!stopping_) {
    const ssize_t n = recv(socket_.get(), buffer, sizeof buffer, 0);
    if (n < 0) {
      // ENOBUFS: announcements were lost; read the addresses again to be sure.
      if (errno == ENOBUFS) kill(getpid(), kSignal);
      continue;
    }
    bool ours = false;
    int left = static_cast<int>(n);
// The kernel's NLMSG_OK compares the u32 nlmsg_len with the int it is given; the
// macro is kept, its sign warning (clang) silenced here only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
    for (auto* h = reinterpret_cast<const nlmsghdr*>(buffer); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if ((h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR) ||
          h->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg)))
        continue;
      const auto* a = static_cast<const ifaddrmsg*>(NLMSG_DATA(h));
      ours = ours || std::ranges::find(ifindexes_, a->ifa_index) != ifindexes_.end();
    }
#pragma GCC diagnostic pop
    if (ours) kill(getpid(), kSignal);
  }
}

}  // namespace sesame
