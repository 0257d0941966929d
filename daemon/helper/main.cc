// sesame-helper: the privileged half of sesamed. Started by sesamed over a socketpair
// (descriptor 3) before it drops its privileges, it reads the config itself, closes what
// a previous run left open, then turns "matcher door N matched for address A" into
// grants of its firewall backend (ufw, nft or exec) until the sniffer's socket closes,
// and then closes everything it opened.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/config/config_error.h"
#include "core/ipc.h"
#include "core/spa_open_message.h"
#include "core/str_cat.h"
#include "daemon/sys/config_file.h"
#include "daemon/helper/backend.h"
#include "daemon/helper/dispatch.h"
#include "daemon/helper/grants.h"
#include "daemon/helper/journal.h"
#include "daemon/helper/peer.h"
#include "daemon/sys/log.h"
#include "daemon/sys/privdrop.h"
#include "daemon/sys/seccomp.h"
#include "daemon/sys/strict_modes.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {
namespace {

struct HelperArgs {
  std::string config_path;
  std::string state_dir;  // --state-dir, always given by sesamed
  bool verbose = false;
};

constexpr std::string_view kUsage =
    "usage: sesame-helper -c FILE --state-dir DIR [-v]\n"
    "  started by sesamed with its socket on descriptor 3; not meant to be run by hand\n";

constexpr std::array<int, 6> kHelperCapabilities{CAP_NET_ADMIN, CAP_NET_RAW,  CAP_DAC_OVERRIDE,
                                                  CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_CHOWN};

int fail(std::string_view message) {
  std::fprintf(stderr, "sesame-helper: %.*s\n", static_cast<int>(message.size()), message.data());
  return 1;
}

std::optional<HelperArgs> parse_args(int argc, char** argv) {
  HelperArgs out;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if ((a == "-c" || a == "--state-dir") && i + 1 < argc) {
      (a == "-c" ? out.config_path : out.state_dir) = argv[++i];
    } else if (a == "-v") {
      out.verbose = true;
    } else {
      return std::nullopt;
    }
  }
  if (out.config_path.empty() || out.state_dir.empty()) return std::nullopt;
  return out;
}

std::uint64_t monotonic_ms() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return std::uint64_t(t.tv_sec) * 1000 + std::uint64_t(t.tv_nsec) / 1'000'000;
}

Clock clock_now() {
  timespec wall{};
  clock_gettime(CLOCK_REALTIME, &wall);
  return {.monotonic_ms = monotonic_ms(), .unix_s = wall.tv_sec};
}

int run(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  if (!args) {
    std::fputs(kUsage.data(), stderr);
    return 2;
  }
  // Root stays (ufw refuses to run otherwise), but only with what ufw, nft and iptables
  // need: the firewall, raw sockets, and root's files under /etc/ufw and the state dir.
  if (auto ok = limit_capabilities(kHelperCapabilities); !ok) return fail(format_sys_error(ok.error()));
  if (auto refusal = check_sniffer_socket(kHelperSocketFd)) return fail(*refusal);
  // What the helper and the commands it runs may not do (they inherit the filter).
  if (auto ok = restrict_helper_syscalls(); !ok) return fail(format_sys_error(ok.error()));
  // The backend's commands must not hold the sniffer's socket open.
  fcntl(kHelperSocketFd, F_SETFD, FD_CLOEXEC);
  const UniqueFd peer(kHelperSocketFd);

  // The helper's own reading of the config: it never takes a door's meaning from the sniffer.
  auto parsed = load_config_file(args->config_path);
  if (!parsed) return fail(format_config_error(parsed.error()));
  if (auto refusal = strict_modes_refusal(args->config_path, parsed->config))
    return fail(format_config_error(*refusal));
  const Config config = std::move(parsed->config);
  const MatcherDoors doors = matcher_doors(config);

  auto log_or = Log::open(config.log, args->verbose, "sesame-helper");
  if (!log_or) return fail(format_sys_error(log_or.error()));
  const Log log = std::move(*log_or);

  // Signals arrive through a descriptor polled beside the socket; a write to a closed
  // pipe is an error to handle, not a death.
  signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  // SIGCHLD: a door command the exec backend runs in the background has ended.
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&signals, s);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  const UniqueFd signal_fd(signalfd(-1, &signals, SFD_CLOEXEC));
  if (!signal_fd) return fail(format_sys_error(sys_error("signalfd")));

  auto journal = Journal::open(args->state_dir);
  if (!journal) return fail(format_sys_error(journal.error()));
  const std::unique_ptr<Backend> backend = make_backend(config.firewall, config, args->state_dir, log);
  if (auto missing = backend->missing_program())
    return fail(str_cat("the ", firewall_backend_name(config.firewall), " backend runs ", *missing,
                        ", which is not installed (looked in /usr/sbin, /usr/bin, /sbin, /bin)"));
  Grants grants(config, *backend, *journal, log, OpenLimits{.ipv6_prefix_length = config.ipv6_limit_prefix});
  if (auto ok = grants.start(clock_now()); !ok) {
    log.line(str_cat("helper: cannot start: ", ok.error()));
    return fail(str_cat("cannot start: ", ok.error()));
  }
  log.line(str_cat("helper: ready, ", firewall_backend_name(config.firewall), " backend, journal ",
                   journal->path()));

  std::size_t replay_lines_skipped = 0;
  auto replays = SpaReplayFile::open(args->state_dir, clock_now().unix_s, replay_lines_skipped);
  if (!replays) return fail(format_sys_error(replays.error()));
  if (replay_lines_skipped)
    log.line(str_cat("warning: ", replays->path(), ": ", std::to_string(replay_lines_skipped),
                     " unreadable lines ignored"));
  OneTimeDoors one_time(config, doors, log);
  HelperState state{.doors = doors, .grants = grants, .log = log, .now = {}, .config = &config,
                    .replays = &*replays, .one_time = &one_time, .sniffer = peer.get()};
  int status = 0;
  for (;;) {
    const std::uint64_t now = monotonic_ms();
    grants.expire(now);
    backend->reap();
    std::optional<std::uint64_t> wait = grants.next_deadline_in(monotonic_ms());
    if (const auto commands = backend->next_deadline_in()) wait = std::min(wait.value_or(*commands), *commands);
    pollfd fds[2] = {{peer.get(), POLLIN, 0}, {signal_fd.get(), POLLIN, 0}};
    const int timeout = wait ? static_cast<int>(std::min<std::uint64_t>(*wait, 60'000)) : -1;
    if (poll(fds, 2, timeout) < 0) {
      if (errno == EINTR) continue;
      log.line(format_sys_error(sys_error("helper: poll")));
      status = 1;
      break;
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info{};
      if (read(signal_fd.get(), &info, sizeof info) == sizeof info) {
        if (info.ssi_signo == SIGCHLD) {
          // Collected by reap() at the top of the loop.
        } else if (info.ssi_signo == SIGHUP) {
          log.line("helper: SIGHUP ignored; the helper reads its config at start");
        } else {
          log.line("helper: stopping on a signal");
          break;
        }
      }
    }
    if (fds[0].revents & POLLHUP) {
      // The sniffer is gone: what it still queued is stale, and the grants close now.
      log.line("helper: the sniffer closed its socket");
      break;
    }
    if (fds[0].revents & (POLLIN | POLLERR)) {
      // One byte more than a message, and MSG_TRUNC for the real length: a longer
      // record is seen as such instead of being cut to size.
      std::uint8_t buffer[kIpcMaxMessageSize + 1];
      const ssize_t n = recv(peer.get(), buffer, sizeof buffer, MSG_TRUNC | MSG_DONTWAIT);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        log.line(n == 0 ? "helper: the sniffer closed its socket" : format_sys_error(sys_error("helper: recv")));
        break;
      }
      state.now = clock_now();
      const std::size_t size = std::min(static_cast<std::size_t>(n), sizeof buffer);
      if (!dispatch(std::span<const std::uint8_t>(buffer, size), state)) {
        log.line("helper: dropping the sniffer");
        status = 1;
        break;
      }
    }
  }
  // Clean shutdown: nothing stays open (unless keep_grants_on_shutdown says so).
  grants.shutdown();
  log.line("helper: exiting");
  return status;
}

}  // namespace
}  // namespace sesame

int main(int argc, char** argv) { return sesame::run(argc, argv); }
