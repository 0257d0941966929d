// The helper message's layout, encoder and decoder.
#include "core/ipc.h"

#include "core/bytes.h"

namespace sesame {

// One message, all integers big-endian:
//
//    0        1        2        3
//   +--------+--------+--------+--------+
//   | version| type   | family | 0      |   version 1, type 1 (match), family 4 or 6
//   +--------+--------+--------+--------+
//   |          matcher door index       |   be32, < the helper's door count
//   +--------+--------+--------+--------+
//   |                                   |
//   |     source address (16 bytes)     |   IPv4 as ::ffff:a.b.c.d
//   |                                   |
//   |                                   |
//   +--------+--------+--------+--------+   24 bytes, nothing after
namespace {
constexpr std::size_t kTypeOffset = 1;
constexpr std::size_t kHeaderSize = 4;
constexpr std::size_t kDoorSize = 4;
constexpr std::size_t kAddressSize = 16;
}  // namespace

static_assert(kHeaderSize + kDoorSize + kAddressSize == kIpcMessageSize,
              "the drawn layout must add up to kIpcMessageSize");
static_assert(sizeof(Address{}.bytes()) == kAddressSize,
              "Address must be 16 bytes: IPv6, or IPv4-mapped");
static_assert(sizeof(MatchReport::door) == kDoorSize, "the door index is sent as be32");
static_assert(sizeof(IpcType) == 1 && sizeof(IpcFamily) == 1, "type and family are one byte each");

IpcMessage encode_match(const MatchReport& report) {
  IpcMessage m{};
  m[0] = kIpcVersion;
  m[kTypeOffset] = std::to_underlying(IpcType::kMatch);
  m[2] = std::to_underlying(report.source.is_v4() ? IpcFamily::kIpv4 : IpcFamily::kIpv6);
  m[3] = 0;
  m[4] = static_cast<std::uint8_t>(report.door >> 24);
  m[5] = static_cast<std::uint8_t>(report.door >> 16);
  m[6] = static_cast<std::uint8_t>(report.door >> 8);
  m[7] = static_cast<std::uint8_t>(report.door);
  const auto& a = report.source.bytes();
  for (std::size_t i = 0; i < kAddressSize; ++i) m[kHeaderSize + kDoorSize + i] = a[i];
  return m;
}

std::optional<std::uint8_t> ipc_type_byte(std::span<const std::uint8_t> bytes) {
  if (bytes.size() <= kTypeOffset) return std::nullopt;
  return bytes[kTypeOffset];
}

std::expected<MatchReport, IpcReject> decode_match(std::span<const std::uint8_t> bytes) {
  // Exact size first: a short or long message is never partly believed.
  if (bytes.size() != kIpcMessageSize) return std::unexpected(IpcReject::kSize);
  ByteReader r(bytes);
  const std::uint8_t version = r.u8();
  const std::uint8_t type = r.u8();
  const std::uint8_t family = r.u8();
  const std::uint8_t reserved = r.u8();
  const std::uint32_t door = r.be32();
  const std::span<const std::uint8_t> address = r.take(kAddressSize);
  if (!r.ok() || r.remaining() != 0) return std::unexpected(IpcReject::kSize);
  if (version != kIpcVersion) return std::unexpected(IpcReject::kVersion);
  if (type != std::to_underlying(IpcType::kMatch)) return std::unexpected(IpcReject::kType);
  if (family != std::to_underlying(IpcFamily::kIpv4) && family != std::to_underlying(IpcFamily::kIpv6))
    return std::unexpected(IpcReject::kFamily);
  if (reserved != 0) return std::unexpected(IpcReject::kReserved);
  const Address source = Address::v6(address.first<kAddressSize>());
  if (source.is_v4() != (family == std::to_underlying(IpcFamily::kIpv4)))
    return std::unexpected(IpcReject::kAddress);
  return MatchReport{.door = door, .source = source};
}

}  // namespace sesame
