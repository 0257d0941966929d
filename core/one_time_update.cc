// The one-time sequence messages' layouts, encoders and decoders.
#include "core/one_time_update.h"

#include <algorithm>
#include <utility>

#include "core/bytes.h"

namespace sesame {

// OneTimeUpdate, helper -> sniffer, all integers big-endian:
//
//    0        1        2        3
//   +--------+--------+--------+--------+
//   | version| type 3 | steps  | 0      |   steps: 0 (no sequence left) to 32
//   +--------+--------+--------+--------+
//   |          matcher door index       |   be32
//   +--------+--------+--------+--------+
//   |             generation            |   be32
//   +--------+--------+--------+--------+
//   |           line in the file        |   be32
//   +--------+--------+--------+--------+
//   | proto  |  port (be16)    | ...        steps x 3 bytes: 6 (tcp) or 17 (udp), port
//   +--------+--------+--------+
//
// OneTimeInForce, sniffer -> helper: version, type 4, 0, 0, door be32, generation be32.
namespace {

static_assert(kOneTimeUpdateHeaderSize == 4 + 3 * 4, "the drawn header must add up");
static_assert(kOneTimeInForceSize == 4 + 2 * 4, "the drawn in-force message must add up");
static_assert(kMaxSequenceLength <= 0xff, "the step count is one byte");
static_assert(sizeof(Protocol) == 1 && sizeof(KnockStep::port) == 2, "a step is a protocol byte and a be16 port");

void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// The version, type and reserved bytes every one-time message starts with.
bool header_ok(std::uint8_t version, std::uint8_t type, IpcType expected, IpcReject& why) {
  if (version != kIpcVersion) {
    why = IpcReject::kVersion;
    return false;
  }
  if (type != std::to_underlying(expected)) {
    why = IpcReject::kType;
    return false;
  }
  return true;
}

}  // namespace

std::vector<std::uint8_t> encode_one_time_update(const OneTimeUpdate& u) {
  std::vector<std::uint8_t> out{kIpcVersion, std::to_underlying(IpcType::kOneTimeSequence),
                                static_cast<std::uint8_t>(u.sequence.size()), 0};
  put_be32(out, u.door);
  put_be32(out, u.generation);
  put_be32(out, u.line);
  for (const KnockStep& s : u.sequence) {
    out.push_back(std::to_underlying(s.protocol));
    out.push_back(static_cast<std::uint8_t>(s.port >> 8));
    out.push_back(static_cast<std::uint8_t>(s.port));
  }
  return out;
}

std::expected<OneTimeUpdate, IpcReject> decode_one_time_update(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  const std::uint8_t version = r.u8();
  const std::uint8_t type = r.u8();
  const std::uint8_t steps = r.u8();
  const std::uint8_t reserved = r.u8();
  OneTimeUpdate u{.door = r.be32(), .generation = r.be32(), .line = r.be32(), .sequence = {}};
  // Exact size first: the step count says how long the message is.
  if (!r.ok() || steps > kMaxSequenceLength || r.remaining() != std::size_t{steps} * kOneTimeStepSize)
    return std::unexpected(IpcReject::kSize);
  IpcReject why{};
  if (!header_ok(version, type, IpcType::kOneTimeSequence, why)) return std::unexpected(why);
  if (reserved != 0) return std::unexpected(IpcReject::kReserved);
  for (std::uint8_t i = 0; i < steps; ++i) {
    const std::uint8_t protocol = r.u8();
    const std::uint16_t port = r.be16();
    if (protocol != std::to_underlying(Protocol::kTcp) && protocol != std::to_underlying(Protocol::kUdp))
      return std::unexpected(IpcReject::kProtocol);
    u.sequence.push_back({static_cast<Protocol>(protocol), port});
  }
  return u;
}

std::array<std::uint8_t, kOneTimeInForceSize> encode_one_time_in_force(const OneTimeInForce& f) {
  std::vector<std::uint8_t> out{kIpcVersion, std::to_underlying(IpcType::kOneTimeInForce), 0, 0};
  put_be32(out, f.door);
  put_be32(out, f.generation);
  std::array<std::uint8_t, kOneTimeInForceSize> m{};
  std::copy(out.begin(), out.end(), m.begin());
  return m;
}

std::expected<OneTimeInForce, IpcReject> decode_one_time_in_force(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kOneTimeInForceSize) return std::unexpected(IpcReject::kSize);
  ByteReader r(bytes);
  const std::uint8_t version = r.u8();
  const std::uint8_t type = r.u8();
  const std::uint8_t reserved1 = r.u8();
  const std::uint8_t reserved2 = r.u8();
  OneTimeInForce f{.door = r.be32(), .generation = r.be32()};
  IpcReject why{};
  if (!header_ok(version, type, IpcType::kOneTimeInForce, why)) return std::unexpected(why);
  if (reserved1 != 0 || reserved2 != 0) return std::unexpected(IpcReject::kReserved);
  return f;
}

}  // namespace sesame
