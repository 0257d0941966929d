// sesamed: the knock sniffer. main() reads top to bottom as the startup order: read
// the config, open the log and the rings as root, start sesame-helper (the privileged
// half that changes the firewall), drop every capability, tell systemd it is ready, then
// read packets until a signal says stop or the helper dies (SIGHUP reloads the doors in
// between).
#include <pthread.h>
#include <signal.h>
#include <systemd/sd-daemon.h>
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
#include "core/str_cat.h"
#include "daemon/sys/config_file.h"
#include "daemon/sniffer/helper_client.h"
#include "daemon/sniffer/interfaces.h"
#include "daemon/sys/log.h"
#include "daemon/sys/privdrop.h"
#include "daemon/sniffer/random.h"
#include "daemon/sniffer/ring.h"
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
  if (const int r = sd_notify(0, state.c_str()); r < 0) log.line(format_sys_error(SysError{"sd_notify", -r}));
}

// The config file with the command line's overrides, or nullopt after printing why
// not. Warnings (lines accepted but worth reading) are printed too.
std::optional<Config> read_config(const SesamedArgs& args, const Log* log) {
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
  return std::move(parsed->config);
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

// Logs the statistics line. `kernel` accumulates PACKET_STATISTICS, which resets on read.
void log_statistics(std::span<const std::unique_ptr<Worker>> workers, RingStatistics& kernel, const Log& log) {
  add(kernel, collect_ring_statistics(workers, log));
  SnifferCounters total;
  for (const auto& w : workers) add(total, w->counters());
  log.line(format_statistics(total, kernel));
}

// Every ring's socket filter, swapped in place.
std::expected<void, SysError> attach_filters(std::span<const std::unique_ptr<Worker>> workers,
                                             std::span<const sock_filter> program) {
  for (const auto& w : workers)
    for (Ring& r : w->rings())
      if (auto ok = r.attach_filter(program); !ok) return ok;
  return {};
}

// SIGHUP: the doors (and the interfaces' addresses) are read again and put in force
// without reopening a socket; returns the new rules. What the sockets, the privilege
// drop and the tables were made from stays until a restart. Fails with why, with the
// running rules still in force.
std::expected<std::shared_ptr<const Ruleset>, std::string> reload(
    const SesamedArgs& args, const std::shared_ptr<const Ruleset>& running,
    std::span<const std::unique_ptr<Worker>> workers, std::span<Interface> interfaces, bool helper_running,
    const Log& log) {
  std::optional<Config> config = read_config(args, &log);
  if (!config)
    return std::unexpected(str_cat("the config file did not load (sesamed reads it as user ",
                                   running->config.user, ")"));
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
  keep("log", config->log, old.log);
  // The helper gives door numbers their meaning from the file as it read it at start.
  if (helper_running && door_summary(*config) != door_summary(old))
    return std::unexpected("the doors changed; sesame-helper reads them at start, so restart sesamed");
  if (auto ok = read_addresses(interfaces, args.ipv4_only); !ok) return std::unexpected(format_sys_error(ok.error()));
  auto next = build_ruleset(std::move(*config), interfaces, args.ipv4_only);
  if (!next) return std::unexpected(next.error());
  if (auto ok = attach_filters(workers, (*next)->filter.program); !ok) {
    // Some rings may have the new filter already; the old rules need the old one.
    (void)attach_filters(workers, running->filter.program);
    return std::unexpected(format_sys_error(ok.error()));
  }
  for (const auto& w : workers) w->reload(*next);
  return *next;
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
  if (args->help) {
    std::fputs(sesamed_usage().c_str(), stdout);
    return 0;
  }

  // 2. The config file (TOML or knockd.conf), overridden by the command line.
  std::optional<Config> config = read_config(*args, nullptr);
  if (!config) return 1;

  // 3. The log, opened as root: its file may live where the user cannot create it.
  auto log_or = Log::open(config->log, args->verbose);
  if (!log_or) return fail(format_sys_error(log_or.error()));
  const Log log = std::move(*log_or);

  // 4. The interfaces and their addresses (the destinations doors without a target
  //    accept), then the matcher and the kernel filter built from the doors.
  auto interfaces = find_interfaces(config->interfaces, args->ipv4_only);
  if (!interfaces) return fail(log, format_sys_error(interfaces.error()));
  for (const Interface& i : *interfaces)
    if (i.addresses.empty())
      log.line(str_cat("warning: ", i.name, " has no address yet; doors without a target match knocks "
                       "to the addresses it has at start (or at a SIGHUP)"));
  const std::uint32_t worker_count = config->workers;
  const std::size_t table_capacity = config->table_capacity;
  auto ruleset_or = build_ruleset(std::move(*config), *interfaces, args->ipv4_only);
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
  //    helper died.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // 7. The rings, as root (CAP_NET_RAW): per interface, one per worker, all in one
  //    fanout group so a source's frames always reach the same worker.
  std::vector<std::vector<Ring>> rings(worker_count);
  for (const Interface& i : *interfaces) {
    std::optional<Fanout> group;
    for (std::uint32_t w = 0; w < worker_count; ++w) {
      auto ring = Ring::open(RingOptions{.interface = i.name, .ifindex = i.index}, ruleset->filter.program);
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
    auto started = HelperClient::start(
        args->helper_path, {"-c", args->config_path, "--state-dir", args->state_dir});
    if (!started) return fail(log, format_sys_error(started.error()));
    helper.emplace(std::move(*started));
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
    workers.push_back(std::move(*worker));
  }

  // 10. Drop to the unprivileged user with no capability at all, while this is the
  //     only thread (capabilities are per thread), before the first frame is read.
  if (auto ok = drop_privileges(*user); !ok) return fail(log, format_sys_error(ok.error()));
  //     From here on the kernel refuses every system call the loops do not make.
  if (auto ok = restrict_sniffer_syscalls(); !ok) return fail(log, format_sys_error(ok.error()));

  // 11. The workers read frames from here on.
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

  // 12. Until SIGTERM or SIGINT, or the helper's death: SIGHUP reloads; the
  //     statistics line now and then.
  RingStatistics kernel;
  bool helper_died = false;
  for (;;) {
    const timespec interval{kStatisticsIntervalSeconds, 0};
    const int got = sigtimedwait(&signals, nullptr, &interval);
    if (got == SIGHUP) {
      log.line(str_cat("re-reading config file: ", args->config_path));
      notify_systemd(log, "RELOADING=1");
      if (auto next = reload(*args, ruleset, workers, *interfaces, helper.has_value(), log)) {
        ruleset = std::move(*next);
        log.line(str_cat("reloaded: ", door_summary(ruleset->config)));
      } else {
        log.line(str_cat("reload failed: ", next.error(), "; keeping the running config"));
      }
      notify_ready();
    } else if (got == SIGTERM || got == SIGINT) {
      break;
    } else if (got == SIGCHLD && helper) {
      if (auto how = helper->exited()) {
        log.line(str_cat("error: sesame-helper ", *how, "; stopping, as no door can open without it"));
        helper_died = true;
        break;
      }
    } else if (got < 0 && errno == EAGAIN) {
      log_statistics(workers, kernel, log);
    }
  }

  // 13. Stop: every worker finishes its wakeup, then the last statistics.
  notify_systemd(log, "STOPPING=1");
  for (const auto& w : workers) w->stop();
  threads.clear();
  log_statistics(workers, kernel, log);
  // The helper sees the socket close, closes every grant it holds, and exits.
  helper.reset();
  log.line("shutting down");
  return worker_failed || helper_died ? 1 : 0;
}

}  // namespace
}  // namespace sesame

int main(int argc, char** argv) { return sesame::run(argc, argv); }
