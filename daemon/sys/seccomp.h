// Seccomp: the kernel's list of system calls each process may still make once it
// serves. A call outside the list kills the whole process (SIGSYS): a sniffer or helper
// that has been made to do something new stops, the helper then closes its grants, and
// systemd restarts both.
#pragma once

#include <expected>

#include "daemon/sys/sys_error.h"

namespace sesame {

// sesamed after the privilege drop: only what its loops use (io_uring_enter, memory,
// threads, signals, the clock, the log and the helper socket, and a SIGHUP reload's
// reading of the config file and the interfaces' addresses over netlink). New sockets
// only of the AF_UNIX (syslog, systemd's notification) and AF_NETLINK (getifaddrs)
// families: no network socket, no exec, no file opened for writing. Installed for every thread
// (TSYNC). Needs no_new_privs, which drop_privileges sets.
std::expected<void, SysError> restrict_sniffer_syscalls();

// sesame-helper: it runs ufw, nft and configured commands, which inherit the filter,
// so an allow-list would have to name every call of Python and iptables. Instead the
// calls no firewall change needs are forbidden: loading kernel code (modules, kexec,
// bpf), mounts and namespaces, tracing other processes, the clock, the keyring,
// reboot and swap. Needs no_new_privs, which limit_capabilities sets.
std::expected<void, SysError> restrict_helper_syscalls();

}  // namespace sesame
