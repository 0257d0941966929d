// sesame knock HOST PORT[:PROTO]...: one TCP SYN or UDP datagram per port, in order,
// the way knockd 0.8's `knock` sends them (a non-blocking connect abandoned at once;
// a one-byte datagram holding a zero byte).
#include "daemon/cli/knock.h"

#include <netdb.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>

#include "core/str_cat.h"
#include "daemon/cli/subcommands.h"
#include "daemon/sys/unique_fd.h"

namespace sesame::cli {
namespace {

struct KnockOption {
  char short_name;
  std::string_view long_name;
  bool takes_value;
};

constexpr KnockOption kKnockOptions[] = {
    {'v', "verbose", false}, {'u', "udp", false},  {'d', "delay", true}, {'h', "help", false},
    {'V', "version", false}, {'4', "ipv4", false}, {'6', "ipv6", false},
};

const KnockOption* find_short(char c) {
  for (const KnockOption& o : kKnockOptions)
    if (o.short_name == c) return &o;
  return nullptr;
}

// An exact long name, or the one long name that starts with `prefix`.
std::expected<const KnockOption*, std::string> find_long(std::string_view prefix) {
  const KnockOption* found = nullptr;
  for (const KnockOption& o : kKnockOptions) {
    if (o.long_name == prefix) return &o;
    if (o.long_name.starts_with(prefix)) {
      if (found) return std::unexpected(str_cat("option '--", prefix, "' is ambiguous"));
      found = &o;
    }
  }
  if (!found) return std::unexpected(str_cat("unknown option '--", prefix, "'"));
  return found;
}

// Applies one option to `out`; `value` is set exactly when the option takes one.
std::expected<void, std::string> apply(const KnockOption& o, std::optional<std::string_view> value,
                                       bool& all_udp, KnockArgs& out) {
  switch (o.short_name) {
    case 'v': out.verbose = true; break;
    case 'u': all_udp = true; break;
    case '4': out.family = KnockFamily::kIpv4; break;
    case '6': out.family = KnockFamily::kIpv6; break;
    // knock stops at the first -h or -V it reads.
    case 'h':
      if (out.action == KnockAction::kKnock) out.action = KnockAction::kHelp;
      break;
    case 'V':
      if (out.action == KnockAction::kKnock) out.action = KnockAction::kVersion;
      break;
    case 'd': {
      const std::string_view v = *value;
      if (v.starts_with('-')) return std::unexpected("delay cannot be negative");
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out.delay_ms);
      if (v.empty() || ec != std::errc() || end != v.data() + v.size())
        return std::unexpected(str_cat("delay '", v, "' is not a number of milliseconds"));
      break;
    }
  }
  return {};
}

KnockHit parse_hit(std::string_view operand, bool all_udp, std::vector<std::string>& warnings) {
  const std::size_t colon = operand.find(':');
  KnockHit hit{.port = std::string(operand.substr(0, colon))};
  if (colon != std::string_view::npos) {
    const std::string_view protocol = operand.substr(colon + 1);
    if (protocol == "udp") {
      hit.protocol = KnockProtocol::kUdp;
    } else if (protocol != "tcp") {
      warnings.push_back(str_cat("'", operand, "': protocol '", protocol, "' is neither tcp nor udp; knocking TCP, as knock does"));
    }
  }
  if (all_udp) hit.protocol = KnockProtocol::kUdp;
  return hit;
}

}  // namespace

std::expected<KnockArgs, std::string> parse_knock_args(std::span<const std::string_view> args) {
  KnockArgs out;
  bool all_udp = false;
  std::vector<std::string_view> operands;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    auto next_value = [&](std::string_view option) -> std::expected<std::string_view, std::string> {
      if (i + 1 >= args.size()) return std::unexpected(str_cat("option '", option, "' needs a value"));
      return args[++i];
    };
    if (a == "--") {
      operands.insert(operands.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (a.starts_with("--")) {
      const std::size_t equals = a.find('=');
      auto o = find_long(a.substr(2, equals == std::string_view::npos ? a.npos : equals - 2));
      if (!o) return std::unexpected(o.error());
      std::optional<std::string_view> value;
      if (equals != std::string_view::npos) {
        if (!(*o)->takes_value) return std::unexpected(str_cat("option '--", (*o)->long_name, "' takes no value"));
        value = a.substr(equals + 1);
      } else if ((*o)->takes_value) {
        auto v = next_value(a);
        if (!v) return std::unexpected(v.error());
        value = *v;
      }
      if (auto ok = apply(**o, value, all_udp, out); !ok) return std::unexpected(ok.error());
      continue;
    }
    if (a.size() < 2 || a[0] != '-') {
      operands.push_back(a);
      continue;
    }
    // A bundle of short options; one that takes a value takes the rest of the word or the next one.
    for (std::size_t c = 1; c < a.size(); ++c) {
      const KnockOption* o = find_short(a[c]);
      if (!o) return std::unexpected(str_cat("unknown option '-", a.substr(c, 1), "'"));
      std::optional<std::string_view> value;
      if (o->takes_value) {
        if (c + 1 < a.size()) {
          value = a.substr(c + 1);
        } else {
          auto v = next_value(str_cat("-", a.substr(c, 1)));
          if (!v) return std::unexpected(v.error());
          value = *v;
        }
      }
      if (auto ok = apply(*o, value, all_udp, out); !ok) return std::unexpected(ok.error());
      if (value) break;
    }
  }
  if (out.action != KnockAction::kKnock) return out;
  if (operands.size() < 2) return std::unexpected("a host and at least one port are needed");
  out.host = std::string(operands[0]);
  for (std::size_t i = 1; i < operands.size(); ++i) out.hits.push_back(parse_hit(operands[i], all_udp, out.warnings));
  return out;
}

std::string_view knock_usage() {
  return "usage: sesame knock [-u] [-4|-6] [-d MS] [-v] HOST PORT[:tcp|udp] ...\n"
         "  -u, --udp        knock every port with UDP (otherwise TCP unless PORT:udp)\n"
         "  -d, --delay MS   pause MS milliseconds after each knock\n"
         "  -4, --ipv4       resolve HOST to an IPv4 address only\n"
         "  -6, --ipv6       resolve HOST to an IPv6 address only\n"
         "  -v, --verbose    print each knock as it is sent\n"
         "  -V, --version    print the version\n"
         "  -h, --help       this text\n"
         "The same arguments as knockd's `knock`: sesame knock server.example 7000 8000:udp 9000\n";
}

namespace {

// Where one hit goes: the first address getaddrinfo gives for HOST and the port.
struct Destination {
  KnockHit hit;
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string numeric_host;
};

// Resolves every hit before the first packet leaves: a port that does not resolve
// must not leave half a sequence knocked.
std::expected<std::vector<Destination>, std::string> resolve(const KnockArgs& args) {
  std::vector<Destination> out;
  for (const KnockHit& hit : args.hits) {
    addrinfo hints{};
    hints.ai_family = args.family == KnockFamily::kIpv4 ? AF_INET : args.family == KnockFamily::kIpv6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = hit.protocol == KnockProtocol::kUdp ? SOCK_DGRAM : SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int e = getaddrinfo(args.host.c_str(), hit.port.c_str(), &hints, &found); e != 0)
      return std::unexpected(str_cat("cannot resolve '", args.host, "' port '", hit.port, "': ", gai_strerror(e)));
    Destination d;
    d.hit = hit;
    std::memcpy(&d.address, found->ai_addr, found->ai_addrlen);
    d.length = found->ai_addrlen;
    freeaddrinfo(found);
    char host[NI_MAXHOST];
    if (getnameinfo(reinterpret_cast<const sockaddr*>(&d.address), d.length, host, sizeof host, nullptr, 0,
                    NI_NUMERICHOST) == 0)
      d.numeric_host = host;
    out.push_back(std::move(d));
  }
  return out;
}

// Sends one hit. Fails only when no socket could be made; a connect or send that the
// kernel refuses is reported on stderr and the sequence goes on, as with knock.
std::expected<void, std::string> send_hit(const Destination& d) {
  const bool udp = d.hit.protocol == KnockProtocol::kUdp;
  const UniqueFd fd(socket(d.address.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM | SOCK_NONBLOCK) | SOCK_CLOEXEC, 0));
  if (!fd) return std::unexpected(str_cat("cannot open a socket: ", std::strerror(errno)));
  const auto* to = reinterpret_cast<const sockaddr*>(&d.address);
  bool sent;
  if (udp) {
    const char zero = 0;
    sent = sendto(fd.get(), &zero, 1, 0, to, d.length) == 1;
  } else {
    // The SYN leaves during connect; closing before the answer abandons the handshake.
    sent = connect(fd.get(), to, d.length) == 0 || errno == EINPROGRESS;
  }
  if (!sent)
    std::fprintf(stderr, "sesame knock: %s %s:%s: %s\n", udp ? "udp" : "tcp", d.numeric_host.c_str(),
                 d.hit.port.c_str(), std::strerror(errno));
  return {};
}

}  // namespace

int knock(std::span<char* const> argv) {
  const std::vector<std::string_view> arg_list(argv.begin(), argv.end());
  auto args = parse_knock_args(arg_list);
  // knock's exit status for every kind of failure, usage errors included, is 1.
  if (!args) {
    std::fprintf(stderr, "sesame knock: %s\n%.*s", args.error().c_str(), static_cast<int>(knock_usage().size()),
                 knock_usage().data());
    return 1;
  }
  if (args->action == KnockAction::kHelp) {
    std::fwrite(knock_usage().data(), 1, knock_usage().size(), stdout);
    return 0;
  }
  if (args->action == KnockAction::kVersion) {
    std::puts("sesame knock " SESAME_VERSION " (the arguments and packets of knock 0.8)");
    return 0;
  }
  for (const std::string& w : args->warnings) std::fprintf(stderr, "sesame knock: warning: %s\n", w.c_str());
  auto destinations = resolve(*args);
  if (!destinations) {
    std::fprintf(stderr, "sesame knock: %s\n", destinations.error().c_str());
    return 1;
  }
  for (const Destination& d : *destinations) {
    if (args->verbose) {
      std::printf("hitting %s %s:%s\n", d.hit.protocol == KnockProtocol::kUdp ? "udp" : "tcp", d.numeric_host.c_str(),
                  d.hit.port.c_str());
      std::fflush(stdout);
    }
    if (auto ok = send_hit(d); !ok) {
      std::fprintf(stderr, "sesame knock: %s\n", ok.error().c_str());
      return 1;
    }
    // After the last hit too: a script's next command then finds the door open.
    std::this_thread::sleep_for(std::chrono::milliseconds(args->delay_ms));
  }
  return 0;
}

}  // namespace sesame::cli
