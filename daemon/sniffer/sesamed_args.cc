// sesamed's options, in knockd's spelling where knockd has the option.
#include "daemon/sniffer/sesamed_args.h"

#include <charconv>

#include "core/str_cat.h"

namespace sesame {

std::expected<SesamedArgs, std::string> parse_sesamed_args(std::span<const std::string_view> args) {
  SesamedArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    auto value = [&]() -> std::expected<std::string_view, std::string> {
      if (i + 1 >= args.size() || args[i + 1].empty())
        return std::unexpected(str_cat("option ", a, " needs a value"));
      return args[++i];
    };
    if (a == "-c" || a == "--config") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      out.config_path = std::string(*v);
    } else if (a == "-i" || a == "--interface") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      out.interfaces.emplace_back(*v);
    } else if (a == "-u" || a == "--user") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      out.user = std::string(*v);
    } else if (a == "-w" || a == "--workers") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      std::uint32_t n = 0;
      const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
      if (ec != std::errc() || end != v->data() + v->size() || n == 0 || n > kMaxWorkers)
        return std::unexpected(str_cat("-w expects a number of workers from 1 to ",
                                       std::to_string(kMaxWorkers), ", not '", *v, "'"));
      out.workers = n;
    } else if (a == "-4" || a == "--only-ip-v4") {
      out.ipv4_only = true;
    } else if (a == "--helper" || a == "--state-dir") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      (a == "--helper" ? out.helper_path : out.state_dir) = std::string(*v);
    } else if (a == "--knockd-exact") {
      out.knockd_exact = true;
    } else if (a == "--dry-run") {
      out.dry_run = true;
    } else if (a == "-v" || a == "--verbose") {
      out.verbose = true;
    } else if (a == "-h" || a == "--help") {
      out.help = true;
    } else {
      return std::unexpected(str_cat("unknown argument '", a, "'"));
    }
  }
  return out;
}

std::string sesamed_usage() {
  return str_cat(
      "usage: sesamed [-c FILE] [-i IFACE]... [-4] [--dry-run] [-u USER] [-w WORKERS] [-v]\n"
      "               [--helper PATH] [--state-dir DIR] [--knockd-exact]\n"
      "  -c, --config FILE     sesame TOML or knockd.conf (default ", kDefaultConfigPath, ")\n",
      "  -i, --interface IFACE listen on IFACE; repeat for more (replaces the config's)\n"
      "  -4, --only-ip-v4      ignore IPv6\n"
      "      --dry-run         detect and log knocks, change no firewall\n"
      "      --knockd-exact    match knocks by knockd 0.8's rules only (matching = \"knockd\")\n"
      "      --helper PATH     the sesame-helper to start (default ", kDefaultHelperPath, ")\n",
      "      --state-dir DIR   where the helper journals open grants (default ", kDefaultStateDir, ")\n",
      "  -u, --user USER       run as USER once the sockets are open\n"
      "  -w, --workers N       packet-reading threads\n"
      "  -v, --verbose         also log to stderr, including wrong knocks\n"
      "  -h, --help            this text\n"
      "SIGHUP reloads the config file; SIGTERM and SIGINT stop.\n");
}

void apply_args(const SesamedArgs& args, Config& config) {
  if (!args.interfaces.empty()) config.interfaces = args.interfaces;
  if (args.user) config.user = *args.user;
  if (args.workers) config.workers = *args.workers;
  if (args.knockd_exact) config.matching = MatchingRules::kKnockd;
}

}  // namespace sesame
