// AddressWatch: a thread that listens to the kernel's address announcements (netlink,
// RTM_NEWADDR and RTM_DELADDR) and, when a listened interface gains or loses an
// address, sends sesamed's main thread a signal, so that doors without a target follow
// the interface's addresses without a reload (an address given after start, at boot
// by a late DHCP, or changed later).
#pragma once

#include <signal.h>

#include <atomic>
#include <expected>
#include <span>
#include <thread>
#include <vector>

#include "daemon/sys/sys_error.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {

class AddressWatch {
 public:
  // The signal the main thread takes as "read the addresses again".
  static constexpr int kSignal = SIGUSR1;

  // Opens the netlink socket (subscribed to IPv4 and, unless ipv4_only, IPv6 address
  // changes) for the interfaces with these indexes. The thread starts with start().
  static std::expected<AddressWatch, SysError> open(std::span<const unsigned> ifindexes, bool ipv4_only);

  AddressWatch(AddressWatch&& other) noexcept
      : socket_(std::move(other.socket_)), ifindexes_(std::move(other.ifindexes_)) {}
  AddressWatch& operator=(AddressWatch&&) = delete;
  // Stops the thread (it wakes at least every kWakeMs to look).
  ~AddressWatch();

  // Starts the thread; start it after the signal mask that keeps kSignal for
  // sigtimedwait is in place, so that it inherits the mask.
  void start();

 private:
  static constexpr int kWakeMs = 200;
  AddressWatch(UniqueFd socket, std::vector<unsigned> ifindexes)
      : socket_(std::move(socket)), ifindexes_(std::move(ifindexes)) {}
  void run();

  UniqueFd socket_;
  std::vector<unsigned> ifindexes_;
  std::atomic<bool> stopping_ = false;
  std::jthread thread_;
};

}  // namespace sesame
