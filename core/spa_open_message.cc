// The SPA open message's layout, encoder and decoder.
#include "core/spa_open_message.h"

#include <utility>

#include "core/bytes.h"

namespace sesame {

// One message, all integers big-endian:
//
//    0        1        2        3
//   +--------+--------+--------+--------+
//   | version| type   | family | 0      |   version kIpcVersion, type 2 (SPA open), family 4 or 6
//   +--------+--------+--------+--------+
//   |          config generation        |   be32 (core/ipc.h's common header)
//   +--------+--------+--------+--------+
//   |          config door index        |   be32, an SPA door of that generation's config
//   +--------+--------+--------+--------+
//   |      address (16 bytes)           |   IPv4 as ::ffff:a.b.c.d
//   +--------+--------+--------+--------+
//   |          seconds                  |   be32, 1 to the door's maximum
//   +--------+--------+--------+--------+
//   | count  | 0      | 0      | 0      |   ports in use, 1 to 16
//   +--------+--------+--------+--------+
//   | proto  | 0      | port (be16)     |   x 16; entries past count are all zero
//   +--------+--------+--------+--------+
//   |      payload digest (32 bytes)    |   SHA-256 of the accepted packet
//   +--------+--------+--------+--------+
//   |      replay until (be64)          |   Unix seconds
//   +--------+--------+--------+--------+   140 bytes, nothing after
namespace {
constexpr std::size_t kDoorSize = 4;
constexpr std::size_t kAddressSize = 16;
constexpr std::size_t kSecondsSize = 4;
constexpr std::size_t kCountSize = 4;
constexpr std::size_t kPortEntrySize = 4;
constexpr std::size_t kDigestSize = 32;
constexpr std::size_t kUntilSize = 8;
}  // namespace

static_assert(kIpcHeaderSize + kDoorSize + kAddressSize + kSecondsSize + kCountSize +
                      kSpaOpenMaxPorts * kPortEntrySize + kDigestSize + kUntilSize ==
                  kSpaOpenMessageSize,
              "the drawn layout must add up to kSpaOpenMessageSize");
static_assert(sizeof(SpaOpenReport::digest) == kDigestSize, "the digest is SHA-256");
static_assert(sizeof(SpaOpenReport::door) == kDoorSize && sizeof(SpaOpenReport::seconds) == kSecondsSize,
              "door and seconds are sent as be32");
static_assert(kSpaOpenMaxPorts <= 0xff, "the port count is one byte");

SpaOpenMessage encode_spa_open(const SpaOpenReport& r) {
  SpaOpenMessage m{};
  put_ipc_header(std::span(m).first<kIpcHeaderSize>(), IpcType::kSpaOpen,
                 std::to_underlying(r.address.is_v4() ? IpcFamily::kIpv4 : IpcFamily::kIpv6), r.generation);
  std::size_t at = kIpcHeaderSize;
  auto put = [&](std::uint64_t v, std::size_t bytes) {
    for (std::size_t i = bytes; i-- > 0;) m[at++] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  put(r.door, kDoorSize);
  for (std::uint8_t b : r.address.bytes()) put(b, 1);
  put(r.seconds, kSecondsSize);
  put(r.ports.size(), 1);
  put(0, 3);
  for (std::size_t i = 0; i < kSpaOpenMaxPorts; ++i) {
    if (i < r.ports.size()) {
      put(std::to_underlying(r.ports[i].protocol), 1);
      put(0, 1);
      put(r.ports[i].port, 2);
    } else {
      put(0, kPortEntrySize);
    }
  }
  for (std::uint8_t b : r.digest) put(b, 1);
  put(static_cast<std::uint64_t>(r.replay_until), kUntilSize);
  return m;
}

std::expected<SpaOpenReport, IpcReject> decode_spa_open(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kSpaOpenMessageSize) return std::unexpected(IpcReject::kSize);
  const IpcHeader h = read_ipc_header(bytes.first<kIpcHeaderSize>());
  ByteReader r(bytes.subspan(kIpcHeaderSize));
  const std::uint8_t family = h.byte2;
  SpaOpenReport out;
  out.generation = h.generation;
  out.door = r.be32();
  const auto address = r.take(kAddressSize);
  out.seconds = r.be32();
  const std::uint8_t count = r.u8();
  const std::uint32_t reserved_after_count = std::uint32_t{r.u8()} << 16 | r.be16();
  if (auto why = ipc_header_reject(h, IpcType::kSpaOpen)) return std::unexpected(*why);
  if (family != std::to_underlying(IpcFamily::kIpv4) && family != std::to_underlying(IpcFamily::kIpv6))
    return std::unexpected(IpcReject::kFamily);
  if (h.reserved != 0 || reserved_after_count != 0) return std::unexpected(IpcReject::kReserved);
  out.address = Address::v6(address.first<kAddressSize>());
  if (out.address.is_v4() != (family == std::to_underlying(IpcFamily::kIpv4)))
    return std::unexpected(IpcReject::kAddress);
  if (count == 0 || count > kSpaOpenMaxPorts) return std::unexpected(IpcReject::kPorts);
  for (std::size_t i = 0; i < kSpaOpenMaxPorts; ++i) {
    const std::uint8_t proto = r.u8();
    const std::uint8_t zero = r.u8();
    const std::uint16_t port = r.be16();
    if (i >= count) {
      if (proto != 0 || zero != 0 || port != 0) return std::unexpected(IpcReject::kPorts);
      continue;
    }
    if (zero != 0 || port == 0 ||
        (proto != std::to_underlying(Protocol::kTcp) && proto != std::to_underlying(Protocol::kUdp)))
      return std::unexpected(IpcReject::kPorts);
    out.ports.push_back({static_cast<Protocol>(proto), port});
  }
  const auto digest = r.take(kDigestSize);
  std::copy(digest.begin(), digest.end(), out.digest.begin());
  const std::uint64_t until = std::uint64_t{r.be32()} << 32 | r.be32();
  out.replay_until = static_cast<std::int64_t>(until);
  if (!r.ok() || r.remaining() != 0) return std::unexpected(IpcReject::kSize);
  return out;
}

}  // namespace sesame
