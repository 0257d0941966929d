// Knock: what the packet parser extracts from one frame for the matcher.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/address.h"

namespace sesame {

// Wire values (IP protocol numbers), so a parsed header maps without a table.
enum class Protocol : std::uint8_t { kTcp = 6, kUdp = 17 };

constexpr std::string_view protocol_name(Protocol p) { return p == Protocol::kTcp ? "tcp" : "udp"; }

// TCP flag bits as they sit in the header's flags byte; knockd matches these six.
namespace tcp_flag {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
}  // namespace tcp_flag

struct Knock {
  Address src;
  Address dst;
  Protocol protocol = Protocol::kTcp;
  std::uint16_t dst_port = 0;
  std::uint16_t src_port = 0;
  std::uint8_t tcp_flags = 0;  // zero for UDP
  // UDP payload (a view into the frame): kept for single-packet authorization.
  std::span<const std::uint8_t> payload;
  // The outermost in-band VLAN tag's ID; 0 untagged (or priority-tagged only).
  std::uint16_t vlan_id = 0;
};

}  // namespace sesame
