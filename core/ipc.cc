// The common header, and the match and reload messages' layouts, encoders and decoders.
#include "core/ipc.h"

#include "core/bytes.h"

namespace sesame {

// Every message starts with the same header, all integers big-endian:
//
//    0        1        2        3
//   +--------+--------+--------+--------+
//   | version| type   | byte 2 | 0      |   version 2; byte 2 is the type's own
//   +--------+--------+--------+--------+
//   |          config generation        |   be32, config_generation() of the file
//   +--------+--------+--------+--------+   8 bytes
//
// kMatch (28 bytes): byte 2 is the address family (4 or 6), then
//   +--------+--------+--------+--------+
//   |          matcher door index       |   be32, < that generation's door count
//   +--------+--------+--------+--------+
//   |     source address (16 bytes)     |   IPv4 as ::ffff:a.b.c.d
//   +--------+--------+--------+--------+   nothing after
//
// kReload (8 bytes): byte 2 is 0. kReloadReply (8 bytes): byte 2 is 1 (accepted) or
// 0 (refused). Nothing after the header.
//
// kSpaOpen is drawn in core/spa_open_message.cc, kOneTimeSequence and kOneTimeInForce
// in core/one_time_update.cc.
namespace {
constexpr std::size_t kTypeOffset = 1;
constexpr std::size_t kGenerationSize = 4;
constexpr std::size_t kDoorSize = 4;
constexpr std::size_t kAddressSize = 16;

void put_be32(std::uint8_t* out, std::uint32_t v) {
  out[0] = static_cast<std::uint8_t>(v >> 24);
  out[1] = static_cast<std::uint8_t>(v >> 16);
  out[2] = static_cast<std::uint8_t>(v >> 8);
  out[3] = static_cast<std::uint8_t>(v);
}

}  // namespace

void put_ipc_header(std::span<std::uint8_t, kIpcHeaderSize> out, IpcType type, std::uint8_t byte2,
                    ConfigGeneration generation) {
  out[0] = kIpcVersion;
  out[kTypeOffset] = std::to_underlying(type);
  out[2] = byte2;
  out[3] = 0;
  put_be32(out.data() + 4, generation);
}

IpcHeader read_ipc_header(std::span<const std::uint8_t, kIpcHeaderSize> bytes) {
  ByteReader r(bytes);
  return {.version = r.u8(), .type = r.u8(), .byte2 = r.u8(), .reserved = r.u8(), .generation = r.be32()};
}

std::optional<IpcReject> ipc_header_reject(const IpcHeader& header, IpcType expected) {
  if (header.version != kIpcVersion) return IpcReject::kVersion;
  if (header.type != std::to_underlying(expected)) return IpcReject::kType;
  return std::nullopt;
}

static_assert(4 + kGenerationSize == kIpcHeaderSize, "the drawn header must add up to kIpcHeaderSize");
static_assert(kIpcHeaderSize + kDoorSize + kAddressSize == kIpcMessageSize,
              "the drawn match layout must add up to kIpcMessageSize");
static_assert(sizeof(Address{}.bytes()) == kAddressSize,
              "Address must be 16 bytes: IPv6, or IPv4-mapped");
static_assert(sizeof(MatchReport::door) == kDoorSize, "the door index is sent as be32");
static_assert(sizeof(ConfigGeneration) == kGenerationSize, "the generation is sent as be32");
static_assert(sizeof(IpcType) == 1 && sizeof(IpcFamily) == 1, "type and family are one byte each");

IpcMessage encode_match(const MatchReport& report) {
  IpcMessage m{};
  put_ipc_header(std::span(m).first<kIpcHeaderSize>(), IpcType::kMatch,
             std::to_underlying(report.source.is_v4() ? IpcFamily::kIpv4 : IpcFamily::kIpv6), report.generation);
  put_be32(m.data() + kIpcHeaderSize, report.door);
  const auto& a = report.source.bytes();
  for (std::size_t i = 0; i < kAddressSize; ++i) m[kIpcHeaderSize + kDoorSize + i] = a[i];
  return m;
}

IpcHeaderMessage encode_reload(const ReloadMessage& message) {
  IpcHeaderMessage m{};
  put_ipc_header(m, message.type, message.accepted ? 1 : 0, message.generation);
  return m;
}

std::optional<std::uint8_t> ipc_type_byte(std::span<const std::uint8_t> bytes) {
  if (bytes.size() <= kTypeOffset) return std::nullopt;
  return bytes[kTypeOffset];
}

std::expected<MatchReport, IpcReject> decode_match(std::span<const std::uint8_t> bytes) {
  // Exact size first: a short or long message is never partly believed.
  if (bytes.size() != kIpcMessageSize) return std::unexpected(IpcReject::kSize);
  const IpcHeader h = read_ipc_header(bytes.first<kIpcHeaderSize>());
  ByteReader r(bytes.subspan(kIpcHeaderSize));
  const std::uint32_t door = r.be32();
  const std::span<const std::uint8_t> address = r.take(kAddressSize);
  if (!r.ok() || r.remaining() != 0) return std::unexpected(IpcReject::kSize);
  if (auto why = ipc_header_reject(h, IpcType::kMatch)) return std::unexpected(*why);
  const std::uint8_t family = h.byte2;
  if (family != std::to_underlying(IpcFamily::kIpv4) && family != std::to_underlying(IpcFamily::kIpv6))
    return std::unexpected(IpcReject::kFamily);
  if (h.reserved != 0) return std::unexpected(IpcReject::kReserved);
  const Address source = Address::v6(address.first<kAddressSize>());
  if (source.is_v4() != (family == std::to_underlying(IpcFamily::kIpv4)))
    return std::unexpected(IpcReject::kAddress);
  return MatchReport{.generation = h.generation, .door = door, .source = source};
}

std::expected<ReloadMessage, IpcReject> decode_reload(std::span<const std::uint8_t> bytes, IpcType expected) {
  if (bytes.size() != kIpcHeaderSize) return std::unexpected(IpcReject::kSize);
  const IpcHeader h = read_ipc_header(bytes.first<kIpcHeaderSize>());
  if (auto why = ipc_header_reject(h, expected)) return std::unexpected(*why);
  if (expected != IpcType::kReload && expected != IpcType::kReloadReply) return std::unexpected(IpcReject::kType);
  const std::uint8_t most = expected == IpcType::kReloadReply ? 1 : 0;
  if (h.byte2 > most) return std::unexpected(IpcReject::kAnswer);
  if (h.reserved != 0) return std::unexpected(IpcReject::kReserved);
  return ReloadMessage{.type = expected, .generation = h.generation, .accepted = h.byte2 == 1};
}

}  // namespace sesame
