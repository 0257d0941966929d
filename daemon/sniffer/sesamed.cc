// sesamed: the knock sniffer. main() reads top to bottom as the startup order: read
// the config, open the log and the rings as root, start sesame-helper (the privileged
// half that changes the firewall, and from then on writes the log file), drop every
// capability, tell systemd it is ready, then
// read packets until a signal says stop or the helper dies (SIGHUP reloads the doors in
// between).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/bpf_program.h"
#include "core/config/config.h"
#include "core/config/config_error.h"
#include "core/config/machine_checks.h"
#include "core/str_cat.h"
#include "daemon/sys/config_file.h"
#include "daemon/sniffer/address_watch.h"
#include "daemon/sniffer/detach.h"
#include "daemon/sniffer/helper_client.h"
#include "daemon/sniffer/interfaces.h"
#include "daemon/sys/log.h"
#include "daemon/sys/machine_probe.h"
#include "daemon/sniffer/notify_socket.h"
#include "daemon/sys/privdrop.h"
#include "daemon/sniffer/random.h"
#include "daemon/sniffer/ring.h"
#include "daemon/sys/reload_request.h"
#include "daemon/sniffer/ruleset.h"
#include "daemon/sys/seccomp.h"
#include "daemon/sys/strict_modes.h"
#include "daemon/sniffer/sesamed_args.h"
#include "daemon/sniffer/statistics.h"
#include "daemon/sniffer/worker.h"

namespace sesame {
namespace {

// How often the statistics line is logged while running (and once more at exit).
constexpr int kStatisticsIntervalSeconds = 300;

// Before the log is open, stderr is the only place to say why sesamed stops.
int fail(std::string_view message) {
  std::fprintf(stderr, "sesamed: %.*s\n", static_cast<int>(message.size()), message.data());
  return 1;
}

int fail(const Log& log, std::string_view message) {
  if (!log.sinks().to_stderr) fail(message);
  log.line(str_cat("error: ", message));
  return 1;
}

// Tells systemd (Type=notify) how far sesamed has come; without $NOTIFY_SOCKET, nothing.
void notify_systemd(const Log& log, const std::string& state) {
  if (auto sent = notify_service_manager(notify_socket_address(), state); !sent)
    log.line(format_sys_error(sent.error()));
}

// The config file with the command line's overrides, or nullopt after printing why
// not. Warnings (lines accepted but worth reading) are printed too.
std::optional<ParsedConfig> read_config(const SesamedArgs& args, const Log* log) {
  auto parsed = load_config_file(args.config_path);
  auto say = [&](const std::string& text) {
    if (!log) {
      std::fputs(text.c_str(), stderr);
      return;
    }
    // One log line per line of the message (the file line, the caret line).
    for (std::size_t begin = 0, end; begin < text.size(); begin = end + 1) {
      end = std::min(text.find('\n', begin), text.size());
      if (end > begin) log->line(std::string_view(text).substr(begin, end - begin));
    }
  };
  if (!parsed) {
    say(format_config_error(parsed.error()));
    return std::nullopt;
  }
  if (auto refusal = strict_modes_refusal(args.config_path, parsed->config)) {
    say(format_config_error(*refusal));
    return std::nullopt;
  }
  for (const ConfigError& w : parsed->warnings) say(format_config_warning(w));
  apply_args(args, parsed->config);
  return std::move(*parsed);
}

std::string describe(std::span<const Interface> interfaces) {
  std::string out;
  for (const Interface& i : interfaces) {
    out += str_cat(out.empty() ? "" : ", ", i.name, " (");
    for (std::size_t a = 0; a < i.addresses.size(); ++a)
      out += str_cat(a ? " " : "", i.addresses[a].to_string());
    out += ")";
  }
  return out;
}

RingStatistics collect_ring_statistics(std::span<const std::unique_ptr<Worker>> workers, const Log& log) {
  RingStatistics total;
  for (const auto& w : workers)
    for (Ring& r : w->rings()) {
      if (auto s = r.statistics())
        add(total, *s);
      else
        log.line(format_sys_error(s.error()));
    }
  return total;
}

// Logs the statistics line, with the doors that cannot work. `kernel` accumulates
// PACKET_STATISTICS, which resets on read.
void log_statistics(std::span<const std::unique_ptr<Worker>> workers, RingStatistics& kernel, const Config& config,
                    const Log& log) {
  add(kernel, collect_ring_statistics(workers, log));
  SnifferCounters total;
  for (const auto& w : workers) add(total, w->counters());
  const std::string disabled = disabled_doors_summary(config);
  log.line(str_cat(format_statistics(total, kernel), disabled.empty() ? "" : "; error: ", disabled));
}

// Every ring's socket filter, swapped in place.
std::expected<void, SysError> attach_filters(std::span<const std::unique_ptr<Worker>> workers,
                                             const KnockFilter& filter) {
  for (const auto& w : workers)
    for (Ring& r : w->rings())
      if (auto ok = r.attach_filter(filter); !ok) return ok;
  return {};
}

// `next`'s kernel filter on every ring, then its matcher in every worker, which
// forgets the knocks in progress (a reload: the doors may have changed) or, given
// `moved_on`, only those at those matcher doors (the one-time doors that moved to their
// next sequence; none when only the host's addresses changed). Fails with `running`'s
// filter back in place.
std::expected<void, std::string> put_in_force(const std::shared_ptr<const Ruleset>& next, const Ruleset& running,
                                              std::span<const std::unique_ptr<Worker>> workers,
                                              std::optional<std::span<const std::uint16_t>> moved_on = {}) {
  if (auto ok = attach_filters(workers, next->filter); !ok) {
    // Some rings may have the new filter already; the old rules need the old one. The
    // helper keeps the running generation's doors beside the new ones.
    (void)attach_filters(workers, running.filter);
    return std::unexpected(format_sys_error(ok.error()));
  }
  for (const auto& w : workers)
    if (!moved_on)
      w->reload(next);
    else
      w->move_on(next, {moved_on->begin(), moved_on->end()});
  return {};
}

// How long a reload waits for the helper's answer: it answers after the firewall
// commands queued before it (each ufw call takes about half a second).
constexpr int kReloadAnswerMs = 30'000;

// SIGHUP: the doors (and the interfaces' addresses) are read again and put in force
// without reopening a socket, once the helper has read the same file (the same
// generation) and accepted it; returns the new rules. What the sockets, the privilege
// drop and the tables were made from stays until a restart. Fails with why, with the
// running rules still in force in both processes.
std::expected<std::shared_ptr<const Ruleset>, std::string> reload(
    const SesamedArgs& args, const std::shared_ptr<const Ruleset>& running,
    std::span<const std::unique_ptr<Worker>> workers, std::span<Interface> interfaces, const HelperClient* helper,
    const Log& log) {
  std::optional<ParsedConfig> parsed = read_config(args, &log);
  if (!parsed) {
    // The helper still reopens the log file: logrotate does not wait for a good config.
    if (helper) (void)helper->reload(running->generation, kReloadAnswerMs);
    return std::unexpected(str_cat("the config file did not load (sesamed reads it as user ",
                                   running->config.user, ")"));
  }
  Config* config = &parsed->config;
  auto keep = [&](std::string_view what, auto& now, const auto& before) {
    if (now == before) return;
    log.line(str_cat("reload: ", what, " changed in the config; it applies at the next start"));
    now = before;
  };
  const Config& old = running->config;
  keep("interfaces", config->interfaces, old.interfaces);
  keep("user", config->user, old.user);
  keep("workers", config->workers, old.workers);
  keep("table_capacity", config->table_capacity, old.table_capacity);
  keep("ring_blocks", config->ring_blocks, old.ring_blocks);
  keep("log", config->log, old.log);
  if (auto ok = read_addresses(interfaces, args.ipv4_only); !ok) return std::unexpected(format_sys_error(ok.error()));
  auto next = build_ruleset(std::move(*config), interfaces, args.ipv4_only, parsed->generation);
  if (!next) return std::unexpected(next.error());
  // The helper reads the file itself and takes this generation only if it read the
  // same bytes; until it says so, matches go out under the running generation.
  if (helper) {
    auto answer = helper->reload((*next)->generation, kReloadAnswerMs);
    if (!answer) return std::unexpected(format_sys_error(answer.error()));
    if (!answer->accepted)
      return std::unexpected("sesame-helper refused it (its log line says why)");
  }
  if (auto ok = put_in_force(*next, *running, workers); !ok) return std::unexpected(ok.error());
  return *next;
}

// An address came to or left a listened interface (AddressWatch): the running config's
// rules are rebuilt with the addresses the interfaces have now, under the same
// generation (the helper's doors do not change). The doors are the same, so every
// knock in progress is kept: a DHCP renewal must not break a knock. Returns the rules
// in force.
std::expected<std::shared_ptr<const Ruleset>, std::string> follow_addresses(
    const SesamedArgs& args, const std::shared_ptr<const Ruleset>& running,
    std::span<const std::unique_ptr<Worker>> workers, std::span<Interface> interfaces) {
  if (auto ok = read_addresses(interfaces, args.ipv4_only); !ok) return std::unexpected(format_sys_error(ok.error()));
  if (local_addresses(interfaces) == running->local_addresses) return running;
  auto next = build_ruleset(running->config, interfaces, args.ipv4_only, running->generation);
  if (!next) return std::unexpected(next.error());
  if (auto ok = put_in_force(*next, *running, workers, std::span<const std::uint16_t>{}); !ok)
    return std::unexpected(ok.error());
  return *next;
}

// The helper's one-time updates: each puts a door's next sequence in force (an empty
// one disables the door), waits until every worker matches with it, and confirms, after
// which the helper opens the door again. Returns the ruleset now in force; a failure
// is logged and leaves the door shut, as the helper waits for a confirmation. An
// update made under another config generation than the running one is dropped: its
// door index means another door here (after a reload the helper restates each
// one-time door under the new generation).
std::shared_ptr<const Ruleset> follow_one_time_updates(const HelperClient& helper,
                                                       std::shared_ptr<const Ruleset> running,
                                                       std::span<const std::unique_ptr<Worker>> workers,
                                                       std::span<const Interface> interfaces, bool ipv4_only,
                                                       const Log& log) {
  for (;;) {
    auto update = helper.next_update();
    if (!update) {
      log.line(str_cat("error: ", update.error()));
      return running;
    }
    if (!*update) return running;
    const OneTimeUpdate& u = **update;
    if (u.generation != running->generation) {
      log.line(str_cat("a one-time sequence for config generation ", std::to_string(u.generation),
                       " is ignored; generation ", std::to_string(running->generation), " is running"));
      continue;
    }
    if (u.door >= running->doors.origins.size()) {
      log.line(str_cat("error: sesame-helper sent a one-time sequence for door ", std::to_string(u.door),
                       ", which this config does not have"));
      continue;
    }
    Config config = running->config;
    ConfigDoor& door = config.doors[running->doors.origins[u.door].config_door];
    if (u.sequence.empty())  // as a restart would read it, so a SIGHUP sees the same doors
      disable_door(door, ConfigError{door.one_time_sequences, 0, 0, "",
                                     "no unused sequence left (every line is blank, a '#' comment or used)", ""});
    else
      door.door.sequence = u.sequence;
    auto next = build_ruleset(std::move(config), interfaces, ipv4_only, running->generation);
    if (!next) {
      log.line(str_cat("error: ", door.door.name, ": the next one-time sequence cannot be used: ", next.error()));
      continue;
    }
    // Knocks in progress at other doors go on; knockd empties every source's here.
    std::vector<std::uint16_t> moved_on;
    for (std::size_t i = 0; i < running->doors.origins.size(); ++i)
      if (running->doors.origins[i].config_door == running->doors.origins[u.door].config_door)
        moved_on.push_back(static_cast<std::uint16_t>(i));
    if (auto ok = put_in_force(*next, *running, workers, moved_on); !ok) {
      log.line(str_cat("error: ", door.door.name, ": ", ok.error()));
      continue;
    }
    // Each worker takes it at its next wakeup, which the reload itself causes.
    while (!std::ranges::all_of(workers, [](const auto& w) { return w->took_reload(); })) {
      const timespec millisecond{0, 1'000'000};
      nanosleep(&millisecond, nullptr);
    }
    running = std::move(*next);
    log.line(u.sequence.empty() ? str_cat(door.door.name, ": disabled, no one-time sequence left")
             : u.line == 0      ? str_cat(door.door.name, ": one-time sequence in force (as sesame-helper read it)")
                                : str_cat(door.door.name, ": next one-time sequence in force (line ",
                                          std::to_string(u.line), ")"));
    if (auto sent = helper.confirm({.generation = u.generation, .door = u.door, .serial = u.serial}); !sent)
      log.line(str_cat("error: ", format_sys_error(sent.error())));
  }
}

// `sesame reload` (ExecReload) asks with sigqueue and kReloadRequestToken, and waits
// for the answer: SIGUSR1 reloaded, SIGUSR2 refused. A plain kill -HUP (logrotate)
// gets none. Only a process of sesamed's own user can receive it.
void answer_reload_request(const siginfo_t& info, bool reloaded, const Log& log) {
  if (info.si_code != SI_QUEUE || info.si_value.sival_int != kReloadRequestToken || info.si_pid == getpid() ||
      info.si_pid <= 0)
    return;
  if (kill(info.si_pid, reloaded ? kReloadedSignal : kReloadRefusedSignal) != 0)
    log.line(format_sys_error(sys_error(str_cat("answer the reload request of pid ", std::to_string(info.si_pid)))));
}

int run(int argc, char** argv) {
  // 1. The command line.
  const std::vector<std::string_view> arg_list(argv + 1, argv + argc);
  auto args = parse_sesamed_args(arg_list);
  if (!args) {
    fail(args.error());
    std::fputs(sesamed_usage().c_str(), stderr);
    return 2;
  }
  if (args->help || args->version) {
    std::fputs((args->help ? sesamed_usage() : sesamed_version()).c_str(), stdout);
    return 0;
  }

  // 2. The config file (TOML or knockd.conf), overridden by the command line.
  std::optional<ParsedConfig> parsed = read_config(*args, nullptr);
  if (!parsed) return 1;
  Config* config = &parsed->config;
  //    What this machine lacks stops every door: an interface, the log file, or no
  //    door left that works (a door that cannot work is only disabled, below).
  if (const auto problems = start_problems(*config, args->config_path, machine_probe()); !problems.empty()) {
    for (const ConfigDoor& d : config->doors)
      if (d.disabled) std::fputs(format_config_error(*d.disabled).c_str(), stderr);
    for (const ConfigError& e : problems) std::fputs(format_config_error(e).c_str(), stderr);
    return fail(str_cat("not starting: ", door_summary(*config)));
  }
  //    -d: detached from here on, before any thread or child exists.
  std::optional<Detached> detached;
  if (args->daemon) {
    auto d = Detached::detach(args->pid_file);
    if (!d) return fail(format_sys_error(d.error()));
    detached.emplace(std::move(*d));
  }

  // 3. The log, opened as root: its file may live where the user cannot create it.
  //    Until the helper takes the file's lines over (8), sesamed writes them itself.
  auto log_or = Log::open(config->log, args->verbose);
  if (!log_or) return fail(format_sys_error(log_or.error()));
  Log log = std::move(*log_or);
  if (args->lookup)
    log.line("-l (lookup) accepted: sesamed never resolves host names, so knock lines carry addresses only");
  if (args->debug)
    log.line(str_cat("-D (debug): as -v, and a line for each frame that reaches the doors (its protocol, addresses, "
                     "ports and TCP flags; at most ", std::to_string(LineBudget::kLinesPerSecond),
                     " a second per worker, the rest counted)"));
  for (const ConfigDoor& d : config->doors)
    if (d.disabled) log.line(str_cat("error: door ", d.door.name, " disabled: ", disabled_reason(d)));

  // 4. The interfaces and their addresses (the destinations doors without a target
  //    accept), then the matcher and the kernel filter built from the doors.
  auto interfaces = find_interfaces(config->interfaces, args->ipv4_only);
  if (!interfaces) return fail(log, format_sys_error(interfaces.error()));
  for (const Interface& i : *interfaces)
    if (i.addresses.empty())
      log.line(str_cat("warning: ", i.name, " has no address yet; doors without a target match knocks "
                       "to its addresses once it has some"));
  const std::uint32_t worker_count = config->workers;
  const std::size_t table_capacity = config->table_capacity;
  auto ruleset_or = build_ruleset(std::move(*config), *interfaces, args->ipv4_only, parsed->generation);
  if (!ruleset_or) return fail(log, ruleset_or.error());
  std::shared_ptr<const Ruleset> ruleset = std::move(*ruleset_or);
  if (!ruleset->filter.checks_ports)
    log.line("warning: too many knock ports for the kernel filter; it checks destinations only, "
             "and every TCP and UDP frame to them is read");
  auto user = look_up_user(ruleset->config.user);
  if (!user) return fail(log, format_sys_error(user.error()));
  if (auto warning = shared_account_warning(*user)) log.line(*warning);

  // 5. Keys chosen at random for this run: the fanout hash's multiplier (which worker
  //    a source lands on) and each knock table's hash key (which bucket).
  std::uint32_t multiplier = 0;
  std::vector<KnockTableKey> keys(worker_count);
  if (auto ok = fill_random(std::as_writable_bytes(std::span(&multiplier, 1))); !ok)
    return fail(log, format_sys_error(ok.error()));
  if (auto ok = fill_random(std::as_writable_bytes(std::span(keys))); !ok)
    return fail(log, format_sys_error(ok.error()));
  const std::vector<sock_filter> fanout = fanout_program(multiplier);

  // 6. Signals are taken synchronously by the main thread; every thread started from
  //    here on inherits the mask (the helper gets its signals back). SIGCHLD says the
  //    helper died, SIGIO that it sent a one-time door's next sequence, kSignal that
  //    the listened interfaces' addresses changed.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGIO, AddressWatch::kSignal}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // 7. The address watch (netlink), and the rings, as root (CAP_NET_RAW): per
  //    interface, one per worker, all in one fanout group so a source's frames
  //    always reach the same worker.
  std::vector<unsigned> ifindexes;
  for (const Interface& i : *interfaces) ifindexes.push_back(i.index);
  auto address_watch = AddressWatch::open(ifindexes, args->ipv4_only);
  if (!address_watch) return fail(log, format_sys_error(address_watch.error()));
  std::vector<std::vector<Ring>> rings(worker_count);
  for (const Interface& i : *interfaces) {
    std::optional<Fanout> group;
    for (std::uint32_t w = 0; w < worker_count; ++w) {
      auto ring = Ring::open(RingOptions{.interface = i.name,
                                         .ifindex = i.index,
                                         .framing = i.framing,
                                         .block_count = ruleset->config.ring_blocks},
                             ruleset->filter);
      if (!ring) return fail(log, format_sys_error(ring.error()));
      auto joined = ring->join_fanout(group, fanout);
      if (!joined) return fail(log, format_sys_error(joined.error()));
      group = *joined;
      rings[w].push_back(std::move(*ring));
    }
  }

  // 8. sesame-helper, as root, over a socketpair: it reads the config itself and
  //    closes what a previous run left open before it serves matches.
  std::optional<HelperClient> helper;
  if (!args->dry_run) {
    std::vector<std::string> helper_args{"-c", args->config_path, "--state-dir", args->state_dir};
    if (args->verbose) helper_args.push_back("-v");  // its lines on stderr too
    auto started = HelperClient::start(args->helper_path, helper_args);
    if (!started) return fail(log, format_sys_error(started.error()));
    helper.emplace(std::move(*started));
    //    The log file is root's: from here on the helper writes sesamed's lines to it,
    //    bounded and marked as the sniffer's, and sesamed closes its descriptor, so that
    //    a compromised sniffer can neither forge the helper's lines nor fill the disk.
    //    --dry-run has no helper and no root process to protect: it keeps the file.
    log.relay_file_lines([&to = *helper](std::string_view line) { return to.send_log_line(line).has_value(); });
  }

  // 9. The io_uring instances, also while privileged: a kernel with
  //    io_uring_disabled=1 lets only privileged processes create them.
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::uint32_t w = 0; w < worker_count; ++w) {
    auto loop = UringLoop::create();
    if (!loop) return fail(log, format_sys_error(loop.error()));
    if (w == 0 && !(*loop)->restricted())
      log.line("warning: this kernel cannot restrict io_uring's operations (Linux 5.10 or later can)");
    const KnockTableOptions table{
        .capacity = static_cast<std::uint32_t>(std::max<std::size_t>(table_capacity / worker_count, KnockTable::kWays)),
        .key = keys[w]};
    auto worker = Worker::create(std::move(rings[w]), std::move(*loop), ruleset, log, table, args->ipv4_only,
                                 helper ? &*helper : nullptr);
    if (!worker) return fail(log, format_sys_error(worker.error()));
    if (args->debug) (*worker)->log_packets();
    workers.push_back(std::move(*worker));
  }

  if (detached) detached->quiet();
  // 10. Drop to the unprivileged user with no capability at all, while this is the
  //     only thread (capabilities are per thread), before the first frame is read.
  if (auto ok = drop_privileges(*user); !ok) return fail(log, format_sys_error(ok.error()));
  //     From here on the kernel refuses every system call the loops do not make.
  if (auto ok = restrict_sniffer_syscalls(); !ok) return fail(log, format_sys_error(ok.error()));

  // 11. The workers read frames from here on; address changes are watched.
  address_watch->start();
  std::atomic<bool> worker_failed = false;
  std::vector<std::jthread> threads;
  for (std::size_t w = 0; w < workers.size(); ++w) {
    threads.emplace_back([&, w] {
      if (auto r = workers[w]->run(); !r) {
        log.line(str_cat("error: worker ", std::to_string(w), ": ", format_sys_error(r.error())));
        worker_failed = true;
        kill(getpid(), SIGTERM);
      }
    });
  }
  log.line(str_cat("starting up, listening on ", describe(*interfaces), " as ", user->name,
                   " with no capabilities, ", std::to_string(worker_count),
                   worker_count == 1 ? " worker" : " workers", args->dry_run ? ", dry run" : "", ": ",
                   door_summary(ruleset->config)));
  // Ready: the rings are up and read, and no privilege is left to lose (again after a reload).
  auto notify_ready = [&] {
    notify_systemd(log, str_cat("READY=1\nSTATUS=listening on ", describe(*interfaces), ": ",
                                door_summary(ruleset->config)));
  };
  notify_ready();
  if (detached) detached->ready();

  // 12. Until SIGTERM or SIGINT, or the helper's death: SIGHUP reloads; the
  //     statistics line now and then.
  RingStatistics kernel;
  bool helper_died = false;
  for (;;) {
    const timespec interval{kStatisticsIntervalSeconds, 0};
    siginfo_t info{};
    const int got = sigtimedwait(&signals, &info, &interval);
    if (got == SIGHUP) {
      log.line(str_cat("re-reading config file: ", args->config_path));
      notify_systemd(log, "RELOADING=1");
      const bool reloaded = [&] {
        if (auto next = reload(*args, ruleset, workers, *interfaces, helper ? &*helper : nullptr, log)) {
          ruleset = std::move(*next);
          log.line(str_cat("reloaded: ", door_summary(ruleset->config)));
          return true;
        } else {
          log.line(str_cat("reload failed: ", next.error(), "; keeping the running config"));
          return false;
        }
      }();
      notify_ready();
      answer_reload_request(info, reloaded, log);
    } else if (got == SIGIO && helper) {
      ruleset = follow_one_time_updates(*helper, ruleset, workers, *interfaces, args->ipv4_only, log);
    } else if (got == AddressWatch::kSignal) {
      if (auto next = follow_addresses(*args, ruleset, workers, *interfaces); !next) {
        log.line(str_cat("error: the listened interfaces' addresses changed, and the filter could not follow: ",
                         next.error()));
      } else if (*next != ruleset) {
        ruleset = std::move(*next);
        log.line(str_cat("addresses changed: listening on ", describe(*interfaces)));
        notify_ready();
      }
    } else if (got == SIGTERM || got == SIGINT) {
      break;
    } else if (got == SIGCHLD && helper) {
      if (auto how = helper->exited()) {
        log.line(str_cat("error: sesame-helper ", *how, "; stopping, as no door can open without it"));
        helper_died = true;
        break;
      }
    } else if (got < 0 && errno == EAGAIN) {
      log_statistics(workers, kernel, ruleset->config, log);
    }
  }

  // 13. Stop: every worker finishes its wakeup, then the last statistics.
  notify_systemd(log, "STOPPING=1");
  for (const auto& w : workers) w->stop();
  threads.clear();
  log_statistics(workers, kernel, ruleset->config, log);
  log.line("shutting down");
  // The helper sees the socket close, closes every grant it holds, and exits; what
  // sesamed logs after that goes to stderr and syslog.
  log.stop_relay();
  helper.reset();
  return worker_failed || helper_died ? 1 : 0;
}

}  // namespace
}  // namespace sesame

int main(int argc, char** argv) { return sesame::run(argc, argv); }
