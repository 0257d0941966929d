// sesamed's options, in knockd's spelling where knockd has the option, read the way
// knockd's getopt_long reads them: clustered short options (-vD4), a short option's
// value attached or next (-cFILE, -c FILE), --long=VALUE or --long VALUE, a long name
// shortened to any unambiguous prefix, and "--" ending the options.
#include "daemon/sniffer/sesamed_args.h"

#include <charconv>
#include <functional>

#include "core/str_cat.h"

namespace sesame {
namespace {

struct Option {
  char short_name;  // 0: long only
  std::string_view long_name;
  bool takes_value;
  // Stores the option in `out`; returns why the value is refused, empty if it is not.
  std::string (*apply)(SesamedArgs& out, std::string_view value);
};

std::string parse_workers(SesamedArgs& out, std::string_view v) {
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n == 0 || n > kMaxWorkers)
    return str_cat("-w expects a number of workers from 1 to ", std::to_string(kMaxWorkers), ", not '", v, "'");
  out.workers = n;
  return {};
}

constexpr Option kOptions[] = {
    // knockd 0.8's options ("4vDdli:c:p:g:hV").
    {'c', "config", true, [](SesamedArgs& o, std::string_view v) { o.config_path = v; return std::string(); }},
    {'i', "interface", true, [](SesamedArgs& o, std::string_view v) { o.interfaces.emplace_back(v); return std::string(); }},
    {'4', "only-ip-v4", false, [](SesamedArgs& o, std::string_view) { o.ipv4_only = true; return std::string(); }},
    {'v', "verbose", false, [](SesamedArgs& o, std::string_view) { o.verbose = true; return std::string(); }},
    {'D', "debug", false, [](SesamedArgs& o, std::string_view) { o.debug = o.verbose = true; return std::string(); }},
    {'d', "daemon", false, [](SesamedArgs& o, std::string_view) { o.daemon = true; return std::string(); }},
    {'l', "lookup", false, [](SesamedArgs& o, std::string_view) { o.lookup = true; return std::string(); }},
    {'p', "pidfile", true, [](SesamedArgs& o, std::string_view v) { o.pid_file = v; return std::string(); }},
    {'g', "logfile", true, [](SesamedArgs& o, std::string_view v) { o.log_file = std::string(v); return std::string(); }},
    {'V', "version", false, [](SesamedArgs& o, std::string_view) { o.version = true; return std::string(); }},
    {'h', "help", false, [](SesamedArgs& o, std::string_view) { o.help = true; return std::string(); }},
    // sesame's own.
    {'u', "user", true, [](SesamedArgs& o, std::string_view v) { o.user = std::string(v); return std::string(); }},
    {'w', "workers", true, parse_workers},
    {0, "dry-run", false, [](SesamedArgs& o, std::string_view) { o.dry_run = true; return std::string(); }},
    {0, "helper", true, [](SesamedArgs& o, std::string_view v) { o.helper_path = v; return std::string(); }},
    {0, "state-dir", true, [](SesamedArgs& o, std::string_view v) { o.state_dir = v; return std::string(); }},
    {0, "knockd-exact", false, [](SesamedArgs& o, std::string_view) { o.knockd_exact = true; return std::string(); }},
};

// The option whose long name is `name` or starts with it, if exactly one does.
std::expected<const Option*, std::string> long_option(std::string_view name) {
  const Option* found = nullptr;
  for (const Option& o : kOptions) {
    if (o.long_name == name) return &o;
    if (o.long_name.starts_with(name)) {
      if (found) return std::unexpected(str_cat("option '--", name, "' is ambiguous"));
      found = &o;
    }
  }
  if (!found) return std::unexpected(str_cat("unknown argument '--", name, "'"));
  return found;
}

}  // namespace

std::expected<SesamedArgs, std::string> parse_sesamed_args(std::span<const std::string_view> args) {
  SesamedArgs out;
  auto apply = [&](const Option& o, std::string_view value) -> std::string { return o.apply(out, value); };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--") {
      if (i + 1 < args.size()) return std::unexpected(str_cat("unknown argument '", args[i + 1], "'"));
      break;
    }
    if (a.starts_with("--")) {
      const std::string_view body = a.substr(2);
      const std::size_t eq = body.find('=');
      auto o = long_option(body.substr(0, eq));
      if (!o) return std::unexpected(o.error());
      std::string_view value;
      if ((*o)->takes_value) {
        if (eq != std::string_view::npos) {
          value = body.substr(eq + 1);
        } else if (i + 1 < args.size()) {
          value = args[++i];
        } else {
          return std::unexpected(str_cat("option --", (*o)->long_name, " needs a value"));
        }
        if (value.empty()) return std::unexpected(str_cat("option --", (*o)->long_name, " needs a value"));
      } else if (eq != std::string_view::npos) {
        return std::unexpected(str_cat("option --", (*o)->long_name, " takes no value"));
      }
      if (std::string why = apply(**o, value); !why.empty()) return std::unexpected(why);
      continue;
    }
    if (a.size() < 2 || a[0] != '-') return std::unexpected(str_cat("unknown argument '", a, "'"));
    // A cluster of short options; one that takes a value takes the rest, or the next argument.
    for (std::size_t c = 1; c < a.size(); ++c) {
      const Option* o = nullptr;
      for (const Option& candidate : kOptions)
        if (candidate.short_name == a[c]) o = &candidate;
      if (!o) return std::unexpected(str_cat("unknown argument '-", a.substr(c, 1), "'"));
      std::string_view value;
      if (o->takes_value) {
        if (c + 1 < a.size()) {
          value = a.substr(c + 1);
        } else if (i + 1 < args.size() && !args[i + 1].empty()) {
          value = args[++i];
        } else {
          return std::unexpected(str_cat("option -", a.substr(c, 1), " needs a value"));
        }
        c = a.size();
      }
      if (std::string why = apply(*o, value); !why.empty()) return std::unexpected(why);
    }
  }
  return out;
}

std::string sesamed_usage() {
  return str_cat(
      "usage: sesamed [options]   (knockd 0.8's options, in every form getopt reads)\n"
      "  -c, --config FILE     sesame TOML or knockd.conf (default ", kDefaultConfigPath, ")\n",
      "  -i, --interface IFACE listen on IFACE; repeat for more (replaces the config's)\n"
      "  -4, --only-ip-v4      ignore IPv6\n"
      "  -d, --daemon          detach: fork, setsid, stdio to /dev/null once started; the\n"
      "                        parent exits 0 once sesamed is up, 1 if it failed\n"
      "  -p, --pidfile FILE    with -d: write sesamed's pid there (default ", kDefaultPidFile, ")\n",
      "  -g, --logfile FILE    log to FILE (replaces the config's LogFile)\n"
      "  -v, --verbose         also log to stderr, including wrong knocks\n"
      "  -D, --debug           as -v, and a line per packet that reaches the doors\n"
      "  -l, --lookup          accepted; sesamed never resolves names (logged at start)\n"
      "  -V, --version         print the version\n"
      "      --dry-run         detect and log knocks, change no firewall\n"
      "      --knockd-exact    match knocks by knockd 0.8's rules only (matching = \"knockd\")\n"
      "      --helper PATH     the sesame-helper to start (default ", kDefaultHelperPath, ")\n",
      "      --state-dir DIR   where the helper journals open grants (default ", kDefaultStateDir, ")\n",
      "  -u, --user USER       run as USER once the sockets are open\n"
      "  -w, --workers N       packet-reading threads\n"
      "  -h, --help            this text\n"
      "SIGHUP reloads the config file; SIGTERM and SIGINT stop.\n");
}

std::string sesamed_version() { return str_cat("sesamed ", SESAME_VERSION, " (reads knockd 0.8's knockd.conf and options)\n"); }

void apply_args(const SesamedArgs& args, Config& config) {
  if (!args.interfaces.empty()) config.interfaces = args.interfaces;
  if (args.user) config.user = *args.user;
  if (args.workers) config.workers = *args.workers;
  if (args.knockd_exact) config.matching = MatchingRules::kKnockd;
  if (args.log_file) config.log.file = *args.log_file;
}

}  // namespace sesame
