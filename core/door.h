// Door: one knock sequence and the rules a knock on it must follow (knockd's door).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/knock.h"

namespace sesame {

// knockd's SEQ_MAX: longer sequences are a config error, not a truncation.
inline constexpr std::size_t kMaxSequenceLength = 32;
// knockd's SEQ_TIMEOUT default, in seconds.
inline constexpr std::uint32_t kDefaultSeqTimeout = 25;
// The scan guard (matcher rule R10) tells TCP ports apart by their low three bits, the
// most the knock table's one byte per source holds: it counts up to 8 distinct ports.
inline constexpr std::uint8_t kScanGuardBins = 8;
inline constexpr std::uint8_t kMaxScanGuard = kScanGuardBins - 1;
// More than this many distinct ports outside the doors while knocking is a scan: a
// sequential scan trips it within five ports of a first knock, while a browser and an
// SSH session to the server (80, 443, 22: three bins) leave a knock alone.
inline constexpr std::uint8_t kDefaultScanGuard = 4;

struct KnockStep {
  Protocol protocol = Protocol::kTcp;
  std::uint16_t port = 0;
  friend bool operator==(const KnockStep&, const KnockStep&) = default;
};

// knockd's TCPFlags: "syn,ack" puts bits in must_set, "!ack" in must_clear. UDP
// packets always pass.
struct TcpFlagRule {
  std::uint8_t must_set = 0;
  std::uint8_t must_clear = 0;

  constexpr bool matches(Protocol p, std::uint8_t flags) const {
    return p != Protocol::kTcp || ((flags & must_set) == must_set && (flags & must_clear) == 0);
  }
  friend bool operator==(const TcpFlagRule&, const TcpFlagRule&) = default;
};

struct Door {
  std::string name;
  std::vector<KnockStep> sequence;  // for one-time sequences: the current one
  std::uint32_t seq_timeout = kDefaultSeqTimeout;  // seconds
  TcpFlagRule tcp_flags;
  // Knocks must be sent to this address; without it, to an address of the
  // listening interface (knockd's "dst host" filter).
  std::optional<Address> target;
  // R10: the attempt ends after SYNs to more than this many distinct ports in no door's
  // sequence; 0 turns the guard off for this door. Only with MatchingRules::kRobust.
  std::uint8_t scan_guard = kDefaultScanGuard;
};

}  // namespace sesame
