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
//   |          config generation        |   be32 (core/ipc.h's common header)
//   +--------+--------+--------+--------+
//   |          matcher door index       |   be32, of that generation
//   +--------+--------+--------+--------+
//   |               serial              |   be32, the door's updates so far
//   +--------+--------+--------+--------+
//   |           line in the file        |   be32
//   +--------+--------+--------+--------+
//   | proto  |  port (be16)    | ...        steps x 3 bytes: 6 (tcp) or 17 (udp), port
//   +--------+--------+--------+
//
// OneTimeInForce, sniffer -> helper:
//
//   +--------+--------+--------+--------+
//   | version| type 4 | 0      | 0      |
//   +--------+--------+--------+--------+
//   |          config generation        |   be32 (the common header)
//   +--------+--------+--------+--------+
//   |          matcher door index       |   be32
//   +--------+--------+--------+--------+
//   |               serial              |   be32, the update's
//   +--------+--------+--------+--------+   16 bytes
namespace {

static_assert(kOneTimeUpdateHeaderSize == kIpcHeaderSize + 3 * 4, "the drawn header must add up");
static_assert(kOneTimeInForceSize == kIpcHeaderSize + 2 * 4, "the drawn in-force message must add up");
static_assert(kMaxSequenceLength <= 0xff, "the step count is one byte");
static_assert(sizeof(Protocol) == 1 && sizeof(KnockStep::port) == 2, "a step is a protocol byte and a be16 port");

void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace

std::vector<std::uint8_t> encode_one_time_update(const OneTimeUpdate& u) {
  std::vector<std::uint8_t> out(kIpcHeaderSize);
  put_ipc_header(std::span(out).first<kIpcHeaderSize>(), IpcType::kOneTimeSequence,
                 static_cast<std::uint8_t>(u.sequence.size()), u.generation);
  put_be32(out, u.door);
  put_be32(out, u.serial);
  put_be32(out, u.line);
  for (const KnockStep& s : u.sequence) {
    out.push_back(std::to_underlying(s.protocol));
    out.push_back(static_cast<std::uint8_t>(s.port >> 8));
    out.push_back(static_cast<std::uint8_t>(s.port));
  }
  return out;
}

std::expected<OneTimeUpdate, IpcReject> decode_one_time_update(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kOneTimeUpdateHeaderSize) return std::unexpected(IpcReject::kSize);
  const IpcHeader h = read_ipc_header(bytes.first<kIpcHeaderSize>());
  ByteReader r(bytes.subspan(kIpcHeaderSize));
  const std::uint8_t steps = h.byte2;
  OneTimeUpdate u{.generation = h.generation, .door = r.be32(), .serial = r.be32(), .line = r.be32(), .sequence = {}};
  // Exact size first: the step count says how long the message is.
  if (!r.ok() || steps > kMaxSequenceLength || r.remaining() != std::size_t{steps} * kOneTimeStepSize)
    return std::unexpected(IpcReject::kSize);
  if (auto why = ipc_header_reject(h, IpcType::kOneTimeSequence)) return std::unexpected(*why);
  if (h.reserved != 0) return std::unexpected(IpcReject::kReserved);
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
  std::vector<std::uint8_t> out(kIpcHeaderSize);
  put_ipc_header(std::span(out).first<kIpcHeaderSize>(), IpcType::kOneTimeInForce, 0, f.generation);
  put_be32(out, f.door);
  put_be32(out, f.serial);
  std::array<std::uint8_t, kOneTimeInForceSize> m{};
  std::copy(out.begin(), out.end(), m.begin());
  return m;
}

std::expected<OneTimeInForce, IpcReject> decode_one_time_in_force(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kOneTimeInForceSize) return std::unexpected(IpcReject::kSize);
  const IpcHeader h = read_ipc_header(bytes.first<kIpcHeaderSize>());
  ByteReader r(bytes.subspan(kIpcHeaderSize));
  OneTimeInForce f{.generation = h.generation, .door = r.be32(), .serial = r.be32()};
  if (auto why = ipc_header_reject(h, IpcType::kOneTimeInForce)) return std::unexpected(*why);
  if (h.byte2 != 0 || h.reserved != 0) return std::unexpected(IpcReject::kReserved);
  return f;
}

}  // namespace sesame
