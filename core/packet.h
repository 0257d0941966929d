// parse_frame: one captured Ethernet frame (or, parse_ip_packet, an IP packet from a link
// without a link header) to the Knock it carries, or why it carries none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>

#include "core/knock.h"
#include "core/reject.h"

namespace sesame {

// 802.1Q inside 802.1ad (QinQ) is the deepest stack a provider network builds.
inline constexpr std::size_t kMaxVlanTags = 2;
// Real traffic carries one or two extension headers; eight leaves room for odd stacks and
// still bounds a walk an attacker controls.
inline constexpr std::size_t kMaxIpv6ExtHeaders = 8;

// `frame` is an Ethernet II frame as AF_PACKET SOCK_RAW delivers it (from the destination
// MAC on). `vlan_tag_out_of_band`: the NIC stripped one VLAN tag and the ring reported it
// in tpacket3_hdr; it counts towards kMaxVlanTags (and its ID, which the caller has, is
// the outermost one, not the Knock's vlan_id).
// Returns the first reason the frame is not a well-formed TCP or UDP packet (including a
// non-first fragment, or a first one that ends inside the transport header). Never reads
// past `frame`; the returned Knock's payload is a view into `frame`.
std::expected<Knock, Reject> parse_frame(std::span<const std::uint8_t> frame,
                                         bool vlan_tag_out_of_band = false);

// The same for a link without a link-layer header (tun, WireGuard, ppp): `packet`
// starts at the IP header, whose version nibble says IPv4 or IPv6 (kNotIp otherwise).
std::expected<Knock, Reject> parse_ip_packet(std::span<const std::uint8_t> packet);

}  // namespace sesame
