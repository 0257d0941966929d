// sesame knock: the knock client, with the arguments, packets, -v output and exit
// codes of knockd 0.8's `knock`, so that scripts can call either.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sesame::cli {

enum class KnockProtocol : std::uint8_t { kTcp, kUdp };
enum class KnockFamily : std::uint8_t { kAny, kIpv4, kIpv6 };
// What the command line asks for: knocking, or only the usage or version text.
enum class KnockAction : std::uint8_t { kKnock, kHelp, kVersion };

// One packet to send: a port (a number, or a service name as getaddrinfo knows it)
// and the protocol.
struct KnockHit {
  std::string port;
  KnockProtocol protocol = KnockProtocol::kTcp;
  bool operator==(const KnockHit&) const = default;
};

struct KnockArgs {
  KnockAction action = KnockAction::kKnock;
  KnockFamily family = KnockFamily::kAny;  // -4, -6: the last one given wins
  std::uint32_t delay_ms = 0;              // -d: the pause after every hit
  bool verbose = false;                    // -v: a "hitting ..." line per hit
  std::string host;
  std::vector<KnockHit> hits;
  std::vector<std::string> warnings;  // arguments knock would accept silently but that look wrong
};

// Parses the arguments after "knock" as knock's getopt_long does: options and operands
// in any order, "--" ends the options, short options may be bundled (-uv, -d100), long
// ones abbreviated (--del=100). An operand is PORT[:PROTO]; PROTO "udp" (exactly)
// means UDP and anything else TCP, and -u makes every hit UDP. Fails with a message for
// an unknown option, a missing or bad delay, or fewer than a host and one port.
std::expected<KnockArgs, std::string> parse_knock_args(std::span<const std::string_view> args);

// The usage text, ending in a newline.
std::string_view knock_usage();

}  // namespace sesame::cli
