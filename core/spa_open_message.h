// The sniffer's second message to the helper: "SPA door N, address A, these ports, this
// long", with the accepted packet's digest so that the helper's replay file refuses it
// after a restart. Fixed size, strict decoder, behind core/ipc.h's common header (the
// door index is one of that config generation's), as the match message.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <vector>

#include "core/address.h"
#include "core/door.h"
#include "core/ipc.h"
#include "core/log_line_message.h"

namespace sesame {

// An SPA grant never names more ports than an fwknop message can (core/spa kMaxSpaPorts).
inline constexpr std::size_t kSpaOpenMaxPorts = 16;
inline constexpr std::size_t kSpaOpenMessageSize = 140;
// The largest message the helper reads: a long log line's (core/log_line_message.h).
inline constexpr std::size_t kIpcMaxMessageSize = std::max(kSpaOpenMessageSize, kLogLineMessageMaxSize);
static_assert(kIpcMaxMessageSize >= kIpcMessageSize, "the helper's buffer must hold every message");
// The largest request the helper queues for the firewall (a match or an SPA open): a
// queued request keeps this much, not a log line's kilobyte.
inline constexpr std::size_t kIpcMaxRequestSize = std::max(kSpaOpenMessageSize, kIpcMessageSize);

struct SpaOpenReport {
  ConfigGeneration generation = 0;  // the config the door index belongs to
  std::uint32_t door = 0;           // index into that config's doors (an SPA door)
  Address address;         // to open for
  std::vector<KnockStep> ports;  // 1 to kSpaOpenMaxPorts
  std::uint32_t seconds = 0;
  std::array<std::uint8_t, 32> digest{};  // SHA-256 of the accepted payload
  std::int64_t replay_until = 0;          // Unix seconds the digest must be kept until
  friend bool operator==(const SpaOpenReport&, const SpaOpenReport&) = default;
};

using SpaOpenMessage = std::array<std::uint8_t, kSpaOpenMessageSize>;

// Precondition: 1 <= report.ports.size() <= kSpaOpenMaxPorts.
SpaOpenMessage encode_spa_open(const SpaOpenReport& report);

// The report in `bytes`, or why not: exact size first, then version, type, family,
// reserved bytes, address, port list (count, each entry, unused entries zero). Door,
// ports and time against the config are the helper's to check.
std::expected<SpaOpenReport, IpcReject> decode_spa_open(std::span<const std::uint8_t> bytes);

}  // namespace sesame
