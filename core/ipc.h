// IPC: the message the sniffer sends the helper, "matcher door N matched for
// address A", as a fixed 24-byte record with a version, and its strict decoder. The
// SPA open message is in core/spa_open_message.h; the one-time sequence messages,
// both ways, in core/one_time_update.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "core/address.h"
#include "core/enum_names.h"

namespace sesame {

// Bumped whenever the layout or a field's meaning changes; the helper accepts only its own.
inline constexpr std::uint8_t kIpcVersion = 1;
inline constexpr std::size_t kIpcMessageSize = 24;

// Wire values, append-only: a retired type stays reserved.
enum class IpcType : std::uint8_t {
  kMatch = 1,            // matcher door N matched for address A
  kSpaOpen = 2,          // SPA door N: open these ports for address A, this long (core/spa_open_message.h)
  kOneTimeSequence = 3,  // helper to sniffer: door N's one-time sequence is now S (core/one_time_update.h)
  kOneTimeInForce = 4,   // sniffer to helper: generation G of door N's sequence is in force
};

// Address family byte: what the 16 address bytes must hold.
enum class IpcFamily : std::uint8_t {
  kIpv4 = 4,  // IPv4-mapped (::ffff:a.b.c.d)
  kIpv6 = 6,  // any address that is not IPv4-mapped
};

struct MatchReport {
  std::uint32_t door = 0;  // index into matcher_doors(config).doors
  Address source;
  friend bool operator==(const MatchReport&, const MatchReport&) = default;
};

// Why a message was refused; the helper drops its peer on any of them.
enum class IpcReject : std::uint8_t {
  kSize,      // not exactly kIpcMessageSize bytes
  kVersion,   // not kIpcVersion
  kType,      // not a known IpcType
  kFamily,    // not a known IpcFamily
  kReserved,  // the reserved byte is not zero
  kAddress,   // the address bytes do not belong to the family
  kPorts,     // a port count above the maximum, a zero port or unknown protocol, bytes after the last
  kProtocol,  // a knock step's protocol byte is neither TCP nor UDP
};

inline constexpr std::array<EnumName<IpcReject>, 8> kIpcRejectNames{{
    {IpcReject::kSize, "wrong message size"},
    {IpcReject::kVersion, "unknown version"},
    {IpcReject::kType, "unknown message type"},
    {IpcReject::kFamily, "unknown address family"},
    {IpcReject::kReserved, "reserved byte set"},
    {IpcReject::kAddress, "address does not match its family"},
    {IpcReject::kPorts, "bad port list"},
    {IpcReject::kProtocol, "unknown knock protocol"},
}};

static_assert(names_in_value_order(kIpcRejectNames),
              "kIpcRejectNames must list every IpcReject in value order");

constexpr std::string_view ipc_reject_name(IpcReject r) { return enum_name(kIpcRejectNames, r); }

// sesamed starts the helper with its end of the socketpair (SOCK_SEQPACKET, one
// message per record) on this descriptor.
inline constexpr int kHelperSocketFd = 3;

using IpcMessage = std::array<std::uint8_t, kIpcMessageSize>;

// The message for `report`; its family byte follows source.is_v4().
IpcMessage encode_match(const MatchReport& report);

// The type byte every message carries at the same offset, for choosing its decoder;
// nullopt when `bytes` is too short to hold one. Nothing else is checked here.
std::optional<std::uint8_t> ipc_type_byte(std::span<const std::uint8_t> bytes);

// The report in `bytes`, or why not. The door index is not range-checked here: only
// the helper knows its own door count. Nothing after the message is accepted.
std::expected<MatchReport, IpcReject> decode_match(std::span<const std::uint8_t> bytes);

}  // namespace sesame
