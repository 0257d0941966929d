// Reject: why a captured frame is not a well-formed TCP or UDP knock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "core/enum_names.h"

namespace sesame {

// The daemon keeps one counter per value, indexed by the value: keep them dense from
// zero and append new reasons at the end.
enum class Reject : std::uint8_t {
  kEthernetTooShort,         // Ethernet header or one of its VLAN tags cut short
  kTooManyVlanTags,          // more than kMaxVlanTags, counting one stripped by the NIC
  kNotIp,                    // EtherType is neither IPv4 nor IPv6 (ARP, LLDP, 802.3 length)
  kIpv4HeaderTooShort,       // fewer than 20 bytes captured
  kIpv4BadVersion,           // version nibble is not 4
  kIpv4BadHeaderLength,      // IHL below 5 words
  kIpv4TotalLengthTooShort,  // total length below IHL * 4
  kIpv4Truncated,            // fewer bytes captured than the total length
  kIpv6HeaderTooShort,       // fewer than 40 bytes captured
  kIpv6BadVersion,           // version nibble is not 6
  kIpv6PayloadLengthZero,    // a jumbogram, or an empty packet: neither carries a knock
  kIpv6Truncated,            // fewer bytes captured than 40 + payload length
  kIpv6ExtHeaderTruncated,   // an extension header runs past the payload length
  kTooManyIpv6ExtHeaders,    // more than kMaxIpv6ExtHeaders
  kFragmentNotFirst,         // fragment offset is not zero: no transport header here
  kFragmentL4Incomplete,     // a first fragment ends inside the TCP or UDP header
  kNotTcpOrUdp,              // ICMP, ICMPv6, ESP, AH, No Next Header, anything else
  kTcpHeaderTooShort,        // fewer than 20 bytes of TCP header
  kTcpBadDataOffset,         // data offset below 5 words
  kTcpOptionsTruncated,      // data offset * 4 runs past the IP payload
  kUdpHeaderTooShort,        // fewer than 8 bytes of UDP header
  kUdpBadLength,             // UDP length below 8
  kUdpLengthBeyondPayload,   // UDP length above the IP payload (not a fragment)
  kIpv6MappedIpv4,           // IPv6 source or destination in ::ffff:0:0/96 or ::/96 (an IPv4
                             // address in IPv6 clothes): never folded into IPv4
};

// Follows the last value: move it along when appending.
inline constexpr std::size_t kRejectCount = std::to_underlying(Reject::kIpv6MappedIpv4) + 1;

// The one list of names, as counters and logs print them; entry i names value i.
inline constexpr std::array<EnumName<Reject>, kRejectCount> kRejectNames{{
    {Reject::kEthernetTooShort, "ethernet_too_short"},
    {Reject::kTooManyVlanTags, "too_many_vlan_tags"},
    {Reject::kNotIp, "not_ip"},
    {Reject::kIpv4HeaderTooShort, "ipv4_header_too_short"},
    {Reject::kIpv4BadVersion, "ipv4_bad_version"},
    {Reject::kIpv4BadHeaderLength, "ipv4_bad_header_length"},
    {Reject::kIpv4TotalLengthTooShort, "ipv4_total_length_too_short"},
    {Reject::kIpv4Truncated, "ipv4_truncated"},
    {Reject::kIpv6HeaderTooShort, "ipv6_header_too_short"},
    {Reject::kIpv6BadVersion, "ipv6_bad_version"},
    {Reject::kIpv6PayloadLengthZero, "ipv6_payload_length_zero"},
    {Reject::kIpv6Truncated, "ipv6_truncated"},
    {Reject::kIpv6ExtHeaderTruncated, "ipv6_ext_header_truncated"},
    {Reject::kTooManyIpv6ExtHeaders, "too_many_ipv6_ext_headers"},
    {Reject::kFragmentNotFirst, "fragment_not_first"},
    {Reject::kFragmentL4Incomplete, "fragment_l4_incomplete"},
    {Reject::kNotTcpOrUdp, "not_tcp_or_udp"},
    {Reject::kTcpHeaderTooShort, "tcp_header_too_short"},
    {Reject::kTcpBadDataOffset, "tcp_bad_data_offset"},
    {Reject::kTcpOptionsTruncated, "tcp_options_truncated"},
    {Reject::kUdpHeaderTooShort, "udp_header_too_short"},
    {Reject::kUdpBadLength, "udp_bad_length"},
    {Reject::kUdpLengthBeyondPayload, "udp_length_beyond_payload"},
    {Reject::kIpv6MappedIpv4, "ipv6_mapped_ipv4"},
}};

static_assert(names_in_value_order(kRejectNames),
    "kRejectNames must name every Reject value, in value order, so reject_name can index it");

constexpr std::string_view reject_name(Reject r) {
  return enum_name(kRejectNames, r);
}

}  // namespace sesame
