// Link and network layer constants shared by the packet parser and the BPF programs,
// which must agree on every one of them.
#pragma once

#include <cstdint>

namespace sesame::wire {

inline constexpr std::uint32_t kEthernetHeader = 14;
inline constexpr std::uint32_t kVlanTag = 4;
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr std::uint16_t kTpid8021Q = 0x8100;
inline constexpr std::uint16_t kTpid8021ad = 0x88a8;

// IPv4 flags and fragment offset field.
inline constexpr std::uint16_t kIpv4MoreFragments = 0x2000;
inline constexpr std::uint16_t kIpv4FragmentOffset = 0x1fff;

}  // namespace sesame::wire
