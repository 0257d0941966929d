// How both config formats spell protocols, TCP flags, numbers and durations.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/door.h"
#include "core/knock.h"

namespace sesame {

// "tcp" or "udp" in any case (protocol_name spells them); nullopt otherwise.
std::optional<Protocol> protocol_from_name(std::string_view name);

struct TcpFlagName {
  std::uint8_t bit;
  std::string_view name;  // as configs write it, lower case; knockd accepts any case
};

// The one list of flag names, in the order knockd's TCPFlags documents them.
inline constexpr std::array<TcpFlagName, 6> kTcpFlagNames{{
    {tcp_flag::kFin, "fin"},
    {tcp_flag::kSyn, "syn"},
    {tcp_flag::kRst, "rst"},
    {tcp_flag::kPsh, "psh"},
    {tcp_flag::kAck, "ack"},
    {tcp_flag::kUrg, "urg"},
}};

// The bit of a flag name in any case ("SYN", "syn"); nullopt for anything else.
std::optional<std::uint8_t> tcp_flag_from_name(std::string_view name);

// The words naming a rule: "syn" for a flag that must be set, "!ack" for one that
// must be clear, in kTcpFlagNames order.
std::vector<std::string> tcp_flag_words(TcpFlagRule rule);

// "fin, syn, rst, psh, ack or urg", for messages that list what was expected.
std::string tcp_flag_choices();

// Digits only (no sign, no space), at most `max`; nullopt otherwise.
std::optional<std::uint32_t> parse_decimal(std::string_view text, std::uint32_t max);

// A number and a unit: "5s", "30s", "2m", "1h". Nullopt if it is not one or exceeds
// 2^32-1 seconds.
std::optional<std::uint32_t> parse_duration(std::string_view text);
// The shortest text parse_duration reads back as `seconds` ("2m", "90s").
std::string format_duration(std::uint32_t seconds);

// "2027-01-31" to the Unix time of its midnight UTC; nullopt for anything else (or a
// day the calendar does not have).
std::optional<std::int64_t> parse_date(std::string_view text);
// The day parse_date reads back as `unix_seconds` (rounded down to its midnight).
std::string format_date(std::int64_t unix_seconds);

// "7000" for TCP, "7000/udp" for UDP: sesame's spelling of a port and protocol.
std::string format_port(KnockStep step);
// "2222/tcp,53/udp": opened ports for log lines (the protocol always named); empty for none.
std::string format_open_ports(std::span<const KnockStep> ports);
// "7000,8000,9000/udp": a sequence for summaries and messages.
std::string format_sequence(std::span<const KnockStep> sequence);

// ASCII case-insensitive equality: config keywords are ASCII.
bool iequals(std::string_view a, std::string_view b);

}  // namespace sesame
