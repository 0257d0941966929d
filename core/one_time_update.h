// The two messages that move a one-time door to its next sequence: the helper, which
// marked the used line in the file, tells the sniffer the door's new sequence (or
// that none is left); the sniffer answers once every worker matches with it. Until
// that answer the helper opens nothing for the door, so a replay of the used sequence
// that the sniffer matched before it learnt the new one opens nothing. Both carry the
// config generation whose matcher door index they name (core/ipc.h's common header):
// neither is applied under another generation's numbering.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <vector>

#include "core/door.h"
#include "core/ipc.h"

namespace sesame {

// helper -> sniffer. `sequence` empty: no sequence left, the door is disabled.
struct OneTimeUpdate {
  ConfigGeneration generation = 0;  // the config the door index belongs to
  std::uint32_t door = 0;           // matcher door index
  std::uint32_t serial = 0;         // counts the door's updates since the helper read the config
  std::uint32_t line = 0;        // the sequence's line in the file (0: none)
  std::vector<KnockStep> sequence;
  friend bool operator==(const OneTimeUpdate&, const OneTimeUpdate&) = default;
};

// sniffer -> helper: the update with this generation, door and serial is in force.
struct OneTimeInForce {
  ConfigGeneration generation = 0;
  std::uint32_t door = 0;
  std::uint32_t serial = 0;
  friend bool operator==(const OneTimeInForce&, const OneTimeInForce&) = default;
};

inline constexpr std::size_t kOneTimeUpdateHeaderSize = 20;
inline constexpr std::size_t kOneTimeStepSize = 3;
inline constexpr std::size_t kOneTimeUpdateMaxSize =
    kOneTimeUpdateHeaderSize + kMaxSequenceLength * kOneTimeStepSize;
inline constexpr std::size_t kOneTimeInForceSize = 16;

// The update's bytes; its sequence must be at most kMaxSequenceLength steps.
std::vector<std::uint8_t> encode_one_time_update(const OneTimeUpdate& update);
// Refuses (kSize) a message whose length is not the header plus its step count's
// steps, and an unknown version, type or protocol byte, or a set reserved byte.
std::expected<OneTimeUpdate, IpcReject> decode_one_time_update(std::span<const std::uint8_t> bytes);

std::array<std::uint8_t, kOneTimeInForceSize> encode_one_time_in_force(const OneTimeInForce& in_force);
// Exact size, version, type and zero reserved bytes; the door index is the helper's to check.
std::expected<OneTimeInForce, IpcReject> decode_one_time_in_force(std::span<const std::uint8_t> bytes);

}  // namespace sesame
