// The two seccomp filters, built with libseccomp.
#include "daemon/sys/seccomp.h"

#include <fcntl.h>
#include <signal.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <span>
#include <string_view>

#include "core/str_cat.h"

namespace sesame {
namespace {

using Filter = std::unique_ptr<void, decltype(&seccomp_release)>;

// Calls sesamed makes after the drop, with no condition on their arguments.
constexpr std::string_view kSnifferCalls[] = {
    // the loops: io_uring, the helper socket, PACKET_STATISTICS, SO_ATTACH_FILTER
    "io_uring_enter", "sendto", "sendmsg", "recvfrom", "recvmsg", "getsockopt", "setsockopt",
    // a reload: waiting for the helper's answer
    "poll", "ppoll",
    // syslog's, getifaddrs's and the service manager's notification sockets
    "connect", "bind", "getsockname",
    // the log and a reload's read of the config file, its StrictModes check (realpath's
    // readlink) and its check that each door's programs can run (access): metadata,
    // read only
    "read", "write", "writev", "close", "lseek", "fstat", "newfstatat", "statx", "fcntl", "readlink",
    "readlinkat", "access", "faccessat", "faccessat2",
    // memory (mmap and mprotect below: never executable)
    "munmap", "mremap", "brk", "madvise",
    // threads
    "futex", "clone", "clone3", "set_robust_list", "rseq", "sched_yield", "exit", "exit_group",
    // a thread's signal stack, which the sanitizers' runtimes set up and take down
    "sigaltstack",
    // signals, and the helper's death
    "rt_sigprocmask", "rt_sigtimedwait", "rt_sigreturn", "rt_sigaction", "getpid",
    "gettid", "wait4", "waitid", "restart_syscall",
    // time and randomness
    "clock_gettime", "clock_nanosleep", "nanosleep", "gettimeofday", "getrandom"};

// GCC says __SANITIZE_THREAD__, clang __has_feature (which GCC 12's preprocessor
// cannot parse in the same #if).
#if defined(__SANITIZE_THREAD__)
#define SESAME_TSAN_RUNTIME 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SESAME_TSAN_RUNTIME 1
#endif
#endif

#ifdef SESAME_TSAN_RUNTIME
// ThreadSanitizer's runtime, in the tsan preset's build only: what its threads and
// report printer call after the drop.
constexpr std::string_view kSanitizerCalls[] = {"sched_getaffinity"};
#else
constexpr std::span<const std::string_view> kSanitizerCalls;
#endif

// Calls the helper and the commands it runs never need.
constexpr std::string_view kHelperForbidden[] = {
    // kernel code
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "bpf", "perf_event_open",
    "uselib",
    // mounts, namespaces, other processes' memory
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
    "fspick", "setns", "unshare", "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd",
    "open_by_handle_at", "name_to_handle_at",
    // the machine: clock, keyring, power, swap, accounting, ports, kernel log, host name
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "add_key", "request_key", "keyctl",
    "reboot", "swapon", "swapoff", "acct", "iopl", "ioperm", "quotactl", "syslog", "vhangup",
    "sethostname", "setdomainname",
    // io_uring's operations would bypass this filter
    "io_uring_setup", "userfaultfd"};

std::expected<int, SysError> syscall_number(std::string_view name) {
  const int nr = seccomp_syscall_resolve_name(std::string(name).c_str());
  if (nr == __NR_SCMP_ERROR) return std::unexpected(SysError{str_cat("seccomp: unknown system call ", name), 0});
  return nr;
}

std::expected<void, SysError> check(int r, std::string_view what) {
  if (r < 0) return std::unexpected(SysError{str_cat("seccomp: ", what), -r});
  return {};
}

std::expected<void, SysError> add_rules(const Filter& filter, std::span<const std::string_view> names,
                                        std::uint32_t action) {
  for (std::string_view name : names) {
    auto nr = syscall_number(name);
    if (!nr) return std::unexpected(nr.error());
    if (auto ok = check(seccomp_rule_add(filter.get(), action, *nr, 0), name); !ok) return ok;
  }
  return {};
}

std::expected<void, SysError> load(const Filter& filter) {
  // Every thread, so a worker started before the filter cannot escape it.
  if (auto ok = check(seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_TSYNC, 1), "TSYNC"); !ok) return ok;
  return check(seccomp_load(filter.get()), "load");
}

// libseccomp's SCMP_A0..A5 macros are C compound literals, which C++ does not have.
scmp_arg_cmp arg(unsigned index, scmp_compare op, scmp_datum_t a, scmp_datum_t b = 0) {
  return scmp_arg_cmp{.arg = index, .op = op, .datum_a = a, .datum_b = b};
}

}  // namespace

std::expected<void, SysError> restrict_sniffer_syscalls() {
  Filter filter(seccomp_init(SCMP_ACT_KILL_PROCESS), seccomp_release);
  if (!filter) return std::unexpected(SysError{"seccomp_init", 0});
  if (auto ok = add_rules(filter, kSnifferCalls, SCMP_ACT_ALLOW); !ok) return ok;
  if (auto ok = add_rules(filter, kSanitizerCalls, SCMP_ACT_ALLOW); !ok) return ok;
  auto allow_if = [&](int nr, std::string_view what, scmp_arg_cmp cmp) {
    return check(seccomp_rule_add(filter.get(), SCMP_ACT_ALLOW, nr, 1, cmp), what);
  };
  // Sockets of two local families only: no way onto the network.
  for (const int family : {AF_UNIX, AF_NETLINK})
    if (auto ok = allow_if(SCMP_SYS(socket), "socket", arg(0, SCMP_CMP_EQ, static_cast<scmp_datum_t>(family))); !ok) return ok;
  // Files for reading only.
  if (auto ok = allow_if(SCMP_SYS(openat), "openat",
                         arg(2, SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC, O_RDONLY));
      !ok)
    return ok;
  // Signals to itself only (a failed worker's SIGTERM, abort's tgkill): never to the
  // helper, nor to anything else the sniffer's user runs.
  const auto self = static_cast<scmp_datum_t>(getpid());
  for (const int nr : {SCMP_SYS(kill), SCMP_SYS(tgkill)})
    if (auto ok = allow_if(nr, "kill", arg(0, SCMP_CMP_EQ, self)); !ok) return ok;
  // The one exception: the answer to `sesame reload` (SIGUSR1 reloaded, SIGUSR2
  // refused), sent to the process that asked, which runs as the sniffer's own user.
  for (const int answer : {SIGUSR1, SIGUSR2})
    if (auto ok = allow_if(SCMP_SYS(kill), "kill", arg(1, SCMP_CMP_EQ, static_cast<scmp_datum_t>(answer))); !ok)
      return ok;
  // Memory, never executable.
  if (auto ok = allow_if(SCMP_SYS(mmap), "mmap", arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)); !ok) return ok;
  if (auto ok = allow_if(SCMP_SYS(mprotect), "mprotect", arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)); !ok)
    return ok;
  return load(filter);
}

std::expected<void, SysError> restrict_helper_syscalls() {
  Filter filter(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
  if (!filter) return std::unexpected(SysError{"seccomp_init", 0});
  if (auto ok = add_rules(filter, kHelperForbidden, SCMP_ACT_KILL_PROCESS); !ok) return ok;
  return load(filter);
}

}  // namespace sesame
