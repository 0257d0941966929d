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
};

}  // namespace sesame
