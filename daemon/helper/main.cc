// sesame-helper: the privileged half of sesamed. Started by sesamed over a socketpair
// (descriptor 3) before it drops its privileges, it reads the config itself, closes what
// a previous run left open, then turns "matcher door N of config generation G matched
// for address A" into grants of its firewall backend (ufw, nft or exec) until the
// sniffer's socket closes, and then closes everything it opened. When sesamed reloads,
// it reads the config again itself and answers (reopening the log file, where it also
// writes the sniffer's lines).
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include <array>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/config/config_error.h"
#include "core/ipc.h"
#include "core/log_line_message.h"
#include "core/spa_open_message.h"
#include "core/str_cat.h"
#include "daemon/sys/config_file.h"
#include "daemon/helper/backend.h"
#include "daemon/helper/dispatch.h"
#include "daemon/helper/generation.h"
#include "daemon/helper/grants.h"
#include "daemon/helper/journal.h"
#include "daemon/helper/peer.h"
#include "daemon/helper/sniffer_lines.h"
#include "daemon/helper/request_queue.h"
#include "daemon/sys/log.h"
#include "daemon/sys/privdrop.h"
#include "daemon/sys/seccomp.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {
namespace {

struct HelperArgs {
  std::string config_path;
  std::string state_dir;  // --state-dir, always given by sesamed
  bool verbose = false;
  // The unit's ExecStopPost: close what the journal lists and exit, no sniffer.
  bool close_leftovers = false;
};

constexpr std::string_view kUsage =
    "usage: sesame-helper -c FILE --state-dir DIR [-v] [--close-leftovers]\n"
    "  started by sesamed with its socket on descriptor 3; not meant to be run by hand\n"
    "  --close-leftovers: close every grant the journal lists (after sesamed died) and exit\n";

constexpr std::array<int, 6> kHelperCapabilities{CAP_NET_ADMIN, CAP_NET_RAW,  CAP_DAC_OVERRIDE,
                                                  CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_CHOWN};

// Messages read from the socket per round at most, before the queue is served.
constexpr std::size_t kDrainPerRound = 4096;
// How often the queue's statistics are logged, when they changed.
constexpr std::uint64_t kQueueStatisticsMs = 10'000;

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
    } else if (a == "--close-leftovers") {
      out.close_leftovers = true;
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

// The answer to a kReload.
std::expected<void, SysError> send_reload_answer(int socket, const ReloadMessage& answer) {
  const IpcHeaderMessage bytes = encode_reload(answer);
  if (send(socket, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size()))
    return std::unexpected(sys_error("helper: send the reload answer"));
  return {};
}

// Writes `message` to the file when it is a well-formed log line from the sniffer;
// false for anything else (a malformed line is left to dispatch, which drops the peer).
bool write_sniffer_line(std::span<const std::uint8_t> message, SnifferLines& lines) {
  if (ipc_type_byte(message) != std::to_underlying(IpcType::kLogLine)) return false;
  auto line = decode_log_line(message);
  if (!line) return false;
  lines.write(*line, monotonic_ms());
  return true;
}

// The sniffer's last lines, queued before it closed its socket (its final statistics,
// "shutting down"), go to the file; every other message it queued is dropped as stale.
void write_last_sniffer_lines(int peer, SnifferLines& lines) {
  std::uint8_t buffer[kIpcMaxMessageSize + 1];
  for (;;) {
    const ssize_t n = recv(peer, buffer, sizeof buffer, MSG_TRUNC | MSG_DONTWAIT);
    if (n <= 0) return;
    const std::span<const std::uint8_t> bytes(buffer, std::min(static_cast<std::size_t>(n), sizeof buffer));
    if (!write_sniffer_line(bytes, lines) && ipc_type_byte(bytes) == std::to_underlying(IpcType::kLogLine)) return;
  }
}

// --close-leftovers, from the unit's ExecStopPost: systemd kills the helper right after
// sesamed dies (KillMode=mixed), so a sesamed killed by a signal leaves its grants
// open; this closes them before a restart, or for good on a stop. After a clean stop
// ($SERVICE_RESULT=success) the journal lists only what keep_grants_on_shutdown kept,
// and those stay.
int close_leftovers(Grants& grants, const Config& config, const Log& log) {
  const char* result = std::getenv("SERVICE_RESULT");
  if (result && std::string_view(result) == "success" && config.keep_grants_on_shutdown) return 0;
  if (auto ok = grants.close_leftovers(); !ok) {
    log.line(str_cat("helper: cannot close what sesamed left open: ", ok.error()));
    return fail(ok.error());
  }
  return 0;
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
  if (!args->close_leftovers)
    if (auto refusal = check_sniffer_socket(kHelperSocketFd)) return fail(*refusal);
  // What the helper and the commands it runs may not do (they inherit the filter).
  if (auto ok = restrict_helper_syscalls(); !ok) return fail(format_sys_error(ok.error()));
  // The backend's commands must not hold the sniffer's socket open.
  if (!args->close_leftovers) fcntl(kHelperSocketFd, F_SETFD, FD_CLOEXEC);
  const UniqueFd peer(args->close_leftovers ? -1 : kHelperSocketFd);

  // The helper's own reading of the config: it never takes a door's meaning from the sniffer.
  auto parsed = load_config_file(args->config_path);
  if (!parsed) return fail(format_config_error(parsed.error()));
  // Like sesamed's, the log's settings are the start's until a restart.
  const Logging logging = parsed->config.log;
  auto log_or = Log::open(logging, args->verbose, "sesame-helper");
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
  auto first = make_generation(std::move(*parsed), args->config_path, args->state_dir, log);
  if (!first) return fail(first.error());
  std::shared_ptr<const Generation> current = std::move(*first);
  PreviousGeneration previous;
  std::shared_ptr<const Generation> previous_generation;
  Grants grants(grant_rules(current), *journal, log, OpenLimits{.ipv6_prefix_length = current->config.ipv6_limit_prefix});
  if (args->close_leftovers) return close_leftovers(grants, current->config, log);
  if (auto ok = grants.start(clock_now()); !ok) {
    log.line(str_cat("helper: cannot start: ", ok.error()));
    return fail(str_cat("cannot start: ", ok.error()));
  }
  log.line(str_cat("helper: ready, ", firewall_backend_name(current->config.firewall), " backend, journal ",
                   journal->path(), ", config generation ", std::to_string(current->id)));
  // The current generation's one-time doors (a reload makes them again, from its files).
  std::optional<OneTimeDoors> one_time;
  one_time.emplace(current->config, current->doors, current->id, log);

  // The sniffer's lines for the log file (it holds none after its privilege drop).
  SnifferLines sniffer_lines(log, std::string(sniffer_tag(logging)));
  // The sniffer's matches and SPA opens wait here for the firewall (request_queue.h).
  RequestQueue queue(log);
  // A message other than a request read while a firewall command ran: handled at the
  // start of the next round, before anything read after it.
  std::optional<std::vector<std::uint8_t>> deferred;
  bool peer_gone = false;  // the socket closed or failed while a command ran (logged)
  enum class Drained { kEmpty, kStopped, kClosed };
  // Reads the socket until it is empty (or kDrainPerRound messages): requests go to the
  // queue, anything else to `other`, which returns false to stop reading (the rest
  // stays in the socket). kClosed: the socket closed or failed (logged).
  auto drain = [&](auto&& other) {
    for (std::size_t i = 0; i < kDrainPerRound; ++i) {
      // One byte more than a message, and MSG_TRUNC for the real length: a longer
      // record is seen as such instead of being cut to size.
      std::uint8_t buffer[kIpcMaxMessageSize + 1];
      const ssize_t n = recv(peer.get(), buffer, sizeof buffer, MSG_TRUNC | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return Drained::kEmpty;
      if (n <= 0) {
        log.line(n == 0 ? "helper: the sniffer closed its socket" : format_sys_error(sys_error("helper: recv")));
        return Drained::kClosed;
      }
      const std::span<const std::uint8_t> message(buffer, std::min(static_cast<std::size_t>(n), sizeof buffer));
      if (!queue.push(message, monotonic_ms()) && !other(message)) return Drained::kStopped;
    }
    return Drained::kEmpty;
  };
  // While a firewall command runs (ufw: up to a second or more), the socket is still
  // read into the queue, so the sniffer's sends do not fail for a full socket.
  const WhileWaiting meanwhile{.fd = peer.get(), .ready = [&] {
    if (deferred || peer_gone) return false;
    const Drained d = drain([&](std::span<const std::uint8_t> m) {
      // The sniffer's log lines (one per match in a flood) go to the file at once:
      // deferring one would stop the reading until the command ends.
      if (write_sniffer_line(m, sniffer_lines)) return true;
      deferred.emplace(m.begin(), m.end());
      return false;
    });
    peer_gone = d == Drained::kClosed;
    return d == Drained::kEmpty;
  }};
  current->backend->set_while_waiting(meanwhile);

  // logrotate's rename: the log file is opened again (the sniffer's lines come here too).
  auto reopen_log = [&] {
    if (auto ok = log.reopen_file(); !ok) log.line(format_sys_error(ok.error()));
  };
  // The sniffer's kReload: it read generation `wanted`. The helper reads the file
  // itself and takes it only if it read the same bytes and they pass its checks;
  // the generation before stays for matches made before the sniffer switches.
  auto reload = [&](ConfigGeneration wanted) {
    reopen_log();
    bool accepted = wanted == current->id;
    std::vector<OneTimeUpdate> restated;
    if (!accepted) {
      auto refused = [&](std::string_view why) {
        for (std::size_t begin = 0, end; begin < why.size(); begin = end + 1) {
          end = std::min(why.find('\n', begin), why.size());
          if (end > begin) log.line(str_cat(begin ? "" : "helper: reload refused: ", why.substr(begin, end - begin)));
        }
      };
      auto next = load_generation(args->config_path, args->state_dir, log);
      if (!next) {
        refused(next.error());
      } else if ((*next)->id != wanted) {
        refused(str_cat("the config file changed between sesamed's reading (generation ", std::to_string(wanted),
                        ") and the helper's (", std::to_string((*next)->id), "); reload again"));
      } else if (auto why = reload_refusal(*current, **next)) {
        refused(*why);
      } else {
        previous_generation = std::exchange(current, std::move(*next));
        current->backend->set_while_waiting(meanwhile);
        previous = {.id = previous_generation->id, .doors = &previous_generation->doors,
                    .rules = grant_rules(previous_generation)};
        grants.reload(grant_rules(current));
        one_time.emplace(current->config, current->doors, current->id, log);
        restated = one_time->restate();
        accepted = true;
        log.line(str_cat("helper: reloaded, config generation ", std::to_string(current->id), ": ",
                         door_summary(current->config)));
      }
    }
    if (auto ok =
            send_reload_answer(peer.get(), {.type = IpcType::kReloadReply, .generation = wanted, .accepted = accepted});
        !ok)
      log.line(format_sys_error(ok.error()));
    // After the answer: the sniffer takes these under the generation it now matches with.
    for (const OneTimeUpdate& u : restated) send_one_time_update(peer.get(), u, log);
  };

  std::size_t replay_lines_skipped = 0;
  auto replays = SpaReplayFile::open(args->state_dir, clock_now().unix_s, replay_lines_skipped);
  if (!replays) return fail(format_sys_error(replays.error()));
  if (replay_lines_skipped)
    log.line(str_cat("warning: ", replays->path(), ": ", std::to_string(replay_lines_skipped),
                     " unreadable lines ignored"));
  std::string queue_reported = queue.statistics();
  std::uint64_t queue_reported_ms = monotonic_ms();
  int status = 0;
  for (;;) {
    const std::uint64_t now = monotonic_ms();
    grants.expire(now);
    std::optional<std::uint64_t> wait = grants.next_deadline_in(monotonic_ms());
    // Queued requests are served as the open budget allows (the serving loop below).
    if (!queue.empty())
      wait = std::min(wait.value_or(std::numeric_limits<std::uint64_t>::max()),
                      grants.open_budget_wait(monotonic_ms()));
    if (deferred || peer_gone) wait = 0;
    if (now - queue_reported_ms >= kQueueStatisticsMs) {
      if (std::string line = queue.statistics(); line != queue_reported) {
        log.line(str_cat("helper: ", line));
        queue_reported = std::move(line);
      }
      queue_reported_ms = now;
    }
    // Door commands the exec backend runs in the background: this generation's, and
    // those the one before the last reload may still run.
    for (const Generation* g : {current.get(), previous_generation.get()}) {
      if (!g) continue;
      g->backend->reap();
      if (const auto commands = g->backend->next_deadline_in()) wait = std::min(wait.value_or(*commands), *commands);
    }
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
          // The config is read again when sesamed asks (its own SIGHUP); the log file now.
          reopen_log();
        } else {
          log.line("helper: stopping on a signal");
          break;
        }
      }
    }
    if (fds[0].revents & POLLHUP) {
      // The sniffer is gone: what it still queued is stale, and the grants close now.
      write_last_sniffer_lines(peer.get(), sniffer_lines);
      log.line("helper: the sniffer closed its socket");
      break;
    }
    auto handle = [&](std::span<const std::uint8_t> message) {
      HelperState state{.doors = current->doors, .grants = grants, .log = log, .now = clock_now(),
                        .config = &current->config, .replays = &*replays, .one_time = &*one_time,
                        .sniffer = peer.get(), .generation = current->id,
                        .previous = previous_generation ? &previous : nullptr, .reload = reload,
                        .sniffer_lines = &sniffer_lines};
      if (dispatch(message, state)) return true;
      log.line("helper: dropping the sniffer");
      return false;
    };
    // What a firewall command's wait read and could not queue comes first.
    if (deferred) {
      const std::vector<std::uint8_t> message = std::move(*deferred);
      deferred.reset();
      if (!handle(message)) {
        status = 1;
        break;
      }
    }
    if (peer_gone) break;
    // Everything the socket holds goes into the queue (or, for what is not a request
    // for one address, is handled now): the sniffer's sends never wait for a firewall
    // command, and the queue decides fairly what is served.
    if (fds[0].revents & (POLLIN | POLLERR)) {
      const Drained d = drain([&](std::span<const std::uint8_t> m) { return handle(m); });
      if (d == Drained::kStopped) status = 1;
      if (d != Drained::kEmpty) break;
    }
    bool stop = false;
    // Served while the open budget has a token, in the queue's order; nft applies the
    // round's opens in one transaction. A backend without batches (ufw, exec) serves
    // one request a round: a reload or confirmation read during its slow command is
    // handled before the next.
    const bool batches = current->backend->batches();
    grants.begin_batch();
    while (!queue.empty() && grants.open_budget_wait(monotonic_ms()) == 0) {
      const QueuedRequest request = *queue.pop();
      if (!handle(request.message())) {
        stop = true;
        status = 1;
        break;
      }
      if (!batches) break;
    }
    grants.end_batch();
    if (stop) break;
  }
  sniffer_lines.log_suppressed();
  log.line(str_cat("helper: ", queue.statistics()));
  // Clean shutdown: nothing stays open (unless keep_grants_on_shutdown says so).
  grants.shutdown();
  log.line("helper: exiting");
  return status;
}

}  // namespace
}  // namespace sesame

int main(int argc, char** argv) { return sesame::run(argc, argv); }
