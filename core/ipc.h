// IPC: the messages between the sniffer and the helper, each a fixed record behind one
// common header (version, type, config generation), and their strict decoders: "matcher
// door N matched for address A" (28 bytes), and the reload handshake (header only). The
// SPA open message is in core/spa_open_message.h; the one-time sequence messages, both
// ways, in core/one_time_update.h; they start with the same header.
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
inline constexpr std::uint8_t kIpcVersion = 2;
// The common header every message starts with (version, type, a type's byte, 0,
// generation), and the match message, the largest.
inline constexpr std::size_t kIpcHeaderSize = 8;
inline constexpr std::size_t kIpcMessageSize = 28;

// Wire values, append-only: a retired type stays reserved.
enum class IpcType : std::uint8_t {
  kMatch = 1,            // matcher door N matched for address A (sniffer to helper)
  kSpaOpen = 2,          // SPA door N: open these ports for address A, this long (core/spa_open_message.h)
  kOneTimeSequence = 3,  // helper to sniffer: door N's one-time sequence is now S (core/one_time_update.h)
  kOneTimeInForce = 4,   // sniffer to helper: update U of door N's sequence is in force
  kReload = 5,           // the sniffer matches under generation G if the helper agrees
  kReloadReply = 6,      // the helper's answer to kReload (helper to sniffer)
  kLogLine = 7,          // sniffer to helper: one line for the log file (core/log_line_message.h)
};

// Address family byte: what the 16 address bytes must hold.
enum class IpcFamily : std::uint8_t {
  kIpv4 = 4,  // IPv4-mapped (::ffff:a.b.c.d)
  kIpv6 = 6,  // any address that is not IPv4-mapped
};

// Which reading of the config file a message was made under: config_generation() of
// the file's bytes. The helper keeps each generation's doors apart and applies a match
// only under the generation it names, so a reload never renumbers a match in flight.
using ConfigGeneration = std::uint32_t;

struct MatchReport {
  ConfigGeneration generation = 0;
  std::uint32_t door = 0;  // index into matcher_doors(config).doors
  Address source;
  friend bool operator==(const MatchReport&, const MatchReport&) = default;
};

// kReload: "I read the config file again and it is generation G; read it too." The
// helper answers with kReloadReply for the same G: accepted (it read the same bytes
// and they pass its checks) or refused. The helper reopens its log file on either.
struct ReloadMessage {
  IpcType type = IpcType::kReload;  // kReload or kReloadReply
  ConfigGeneration generation = 0;
  bool accepted = false;  // kReloadReply only; false in a kReload
  friend bool operator==(const ReloadMessage&, const ReloadMessage&) = default;
};

// Why a message was refused; the helper drops its peer on any of them.
enum class IpcReject : std::uint8_t {
  kSize,      // not exactly the type's size
  kVersion,   // not kIpcVersion
  kType,      // not a known IpcType
  kFamily,    // not a known IpcFamily
  kReserved,  // the reserved byte is not zero
  kAddress,   // the address bytes do not belong to the family
  kPorts,     // a port count above the maximum, a zero port or unknown protocol, bytes after the last
  kProtocol,  // a knock step's protocol byte is neither TCP nor UDP
  kAnswer,    // a reload's answer byte is neither 0 nor 1 (nor 0 in a request)
  kCut,       // a log line's cut byte is neither 0 nor 1, or 1 on a line shorter than the longest
};

inline constexpr std::array<EnumName<IpcReject>, 10> kIpcRejectNames{{
    {IpcReject::kSize, "wrong message size"},
    {IpcReject::kVersion, "unknown version"},
    {IpcReject::kType, "unknown message type"},
    {IpcReject::kFamily, "unknown address family"},
    {IpcReject::kReserved, "reserved byte set"},
    {IpcReject::kAddress, "address does not match its family"},
    {IpcReject::kPorts, "bad port list"},
    {IpcReject::kProtocol, "unknown knock protocol"},
    {IpcReject::kAnswer, "reload answer byte out of range"},
    {IpcReject::kCut, "log line cut byte out of range"},
}};

static_assert(names_in_value_order(kIpcRejectNames),
              "kIpcRejectNames must list every IpcReject in value order");

constexpr std::string_view ipc_reject_name(IpcReject r) { return enum_name(kIpcRejectNames, r); }

// sesamed starts the helper with its end of the socketpair (SOCK_SEQPACKET, one
// message per record) on this descriptor.
inline constexpr int kHelperSocketFd = 3;

// The common header's fields as read, before any check.
struct IpcHeader {
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  std::uint8_t byte2 = 0;  // the type's own: a family, a step count, an answer
  std::uint8_t reserved = 0;
  ConfigGeneration generation = 0;
};

// Writes the common header (kIpcVersion, `type`, `byte2`, 0, `generation`) into the
// first kIpcHeaderSize bytes of `out`; every encoder starts with it.
void put_ipc_header(std::span<std::uint8_t, kIpcHeaderSize> out, IpcType type, std::uint8_t byte2,
                    ConfigGeneration generation);
IpcHeader read_ipc_header(std::span<const std::uint8_t, kIpcHeaderSize> bytes);
// kVersion or kType when `header` is not of kIpcVersion or not of type `expected`;
// byte 2 and the reserved byte are the type's decoder's to check.
std::optional<IpcReject> ipc_header_reject(const IpcHeader& header, IpcType expected);

using IpcMessage = std::array<std::uint8_t, kIpcMessageSize>;
using IpcHeaderMessage = std::array<std::uint8_t, kIpcHeaderSize>;

// The message for `report`; its family byte follows source.is_v4().
IpcMessage encode_match(const MatchReport& report);
IpcHeaderMessage encode_reload(const ReloadMessage& message);

// The type byte every message carries at the same offset, for choosing its decoder;
// nullopt when `bytes` is too short to hold one. Nothing else is checked here.
std::optional<std::uint8_t> ipc_type_byte(std::span<const std::uint8_t> bytes);

// The report in `bytes`, or why not. The door index is not range-checked here: only
// the helper knows its own door count. Nothing after the message is accepted.
std::expected<MatchReport, IpcReject> decode_match(std::span<const std::uint8_t> bytes);
// A kReload or kReloadReply, or why not; `expected` is the type the reader accepts.
std::expected<ReloadMessage, IpcReject> decode_reload(std::span<const std::uint8_t> bytes, IpcType expected);

}  // namespace sesame
