// Frame to Knock, one layer at a time, every length and every chain bounded.
//
// Layer     Checked, in the order the header explains itself
// Ethernet  14 bytes; 802.1Q (0x8100) and 802.1ad (0x88a8) tags of 4 bytes, at most
//           kMaxVlanTags counting one the NIC stripped (the outermost in-band tag's ID
//           is kept); then EtherType 0x0800 or 0x86dd.
// IPv4      >= 20 bytes captured, version 4, IHL >= 5, total length >= IHL * 4, captured
//           >= total length (what follows is Ethernet padding), fragment offset 0.
//           Options are skipped via IHL.
// IPv6      >= 40 bytes captured, version 6, payload length != 0, captured >= 40 + payload
//           length (what follows is padding); neither address IPv4-mapped or
//           IPv4-compatible. Extension headers hop-by-hop (0), routing
//           (43), destination options (60) of (len + 1) * 8 bytes and fragment (44) of 8
//           bytes, at most kMaxIpv6ExtHeaders, each inside the payload length; fragment
//           offset 0. Anything else ends the walk: TCP, UDP or a reject.
// TCP       >= 20 bytes, data offset >= 5, data offset * 4 within the IP payload.
// UDP       >= 8 bytes, 8 <= length <= IP payload; a first fragment's payload is the part
//           it holds.
// A first fragment (more-fragments set, offset 0) counts only if it holds the whole TCP or
// UDP header. Checksums are not verified: knockd verifies none, and a forger can always
// send a correct one.
//
// Each fixed-size header is taken whole first and then read through its own ByteReader:
// one bounds check instead of one per field, since the reads then fold to constant offsets.
#include "core/packet.h"

#include <algorithm>
#include <utility>

#include "core/address.h"
#include "core/bytes.h"
#include "core/wire.h"

namespace sesame {
namespace {

using namespace wire;

constexpr std::uint8_t kIpv6HopByHop = 0;
constexpr std::uint8_t kIpv6Routing = 43;
constexpr std::uint8_t kIpv6Fragment = 44;
constexpr std::uint8_t kIpv6DestinationOptions = 60;

constexpr std::uint16_t kIpv6MoreFragments = 0x0001;
constexpr std::uint16_t kIpv6FragmentOffset = 0xfff8;

constexpr std::uint16_t kVlanIdMask = 0x0fff;  // the TCI's low 12 bits; priority and DEI above

constexpr std::size_t kIpv4MinHeader = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kTcpMinHeader = 20;
constexpr std::size_t kUdpHeader = 8;

// Each layer writes its fields straight into `knock`, the caller's result, and returns the
// reason the frame is no knock, if any. A Knock built in a temporary and then copied is
// stored in narrow pieces and reloaded in wide ones: those store-forwarding stalls nearly
// doubled the time per frame in bench/packet_bench.cc.
using Parsed = std::expected<void, Reject>;

// A transport header cut short by the end of a first fragment is the fragmenter's doing.
Reject cut_short(bool first_fragment, Reject unfragmented) {
  return first_fragment ? Reject::kFragmentL4Incomplete : unfragmented;
}

Parsed parse_tcp(std::span<const std::uint8_t> transport, bool first_fragment, Knock& knock) {
  ByteReader segment(transport);
  ByteReader h(segment.take(kTcpMinHeader));
  knock.src_port = h.be16();
  knock.dst_port = h.be16();
  h.skip(8);  // sequence and acknowledgement numbers
  const std::size_t header_length = (h.u8() >> 4) * 4u;
  knock.tcp_flags = h.u8();
  h.skip(6);  // window, checksum, urgent pointer
  if (!h.ok()) return std::unexpected(cut_short(first_fragment, Reject::kTcpHeaderTooShort));
  if (header_length < kTcpMinHeader) return std::unexpected(Reject::kTcpBadDataOffset);
  if (!segment.skip(header_length - kTcpMinHeader))
    return std::unexpected(cut_short(first_fragment, Reject::kTcpOptionsTruncated));
  knock.protocol = Protocol::kTcp;
  return {};
}

Parsed parse_udp(std::span<const std::uint8_t> transport, bool first_fragment, Knock& knock) {
  ByteReader datagram(transport);
  ByteReader h(datagram.take(kUdpHeader));
  knock.src_port = h.be16();
  knock.dst_port = h.be16();
  const std::size_t length = h.be16();
  h.skip(2);  // checksum
  if (!h.ok()) return std::unexpected(cut_short(first_fragment, Reject::kUdpHeaderTooShort));
  if (length < kUdpHeader) return std::unexpected(Reject::kUdpBadLength);
  // A first fragment's length field covers fragments still to come.
  if (length > transport.size() && !first_fragment)
    return std::unexpected(Reject::kUdpLengthBeyondPayload);
  knock.protocol = Protocol::kUdp;
  knock.payload = datagram.take(std::min(length, transport.size()) - kUdpHeader);
  return {};
}

Parsed parse_transport(std::uint8_t protocol, std::span<const std::uint8_t> transport,
                       bool first_fragment, Knock& knock) {
  switch (protocol) {
    case std::to_underlying(Protocol::kTcp):
      return parse_tcp(transport, first_fragment, knock);
    case std::to_underlying(Protocol::kUdp):
      return parse_udp(transport, first_fragment, knock);
    default:
      return std::unexpected(Reject::kNotTcpOrUdp);
  }
}

Parsed parse_ipv4(std::span<const std::uint8_t> packet, Knock& knock) {
  ByteReader rest(packet);
  ByteReader h(rest.take(kIpv4MinHeader));
  const std::uint8_t version_ihl = h.u8();
  h.skip(1);  // DSCP, ECN
  const std::uint16_t total_length = h.be16();
  h.skip(2);  // identification
  const std::uint16_t flags_offset = h.be16();
  h.skip(1);  // TTL
  const std::uint8_t protocol = h.u8();
  h.skip(2);  // checksum
  const std::uint32_t src = h.be32();
  const std::uint32_t dst = h.be32();
  if (!h.ok()) return std::unexpected(Reject::kIpv4HeaderTooShort);
  if (version_ihl >> 4 != 4) return std::unexpected(Reject::kIpv4BadVersion);
  const std::size_t header_length = (version_ihl & 0x0fu) * 4u;
  if (header_length < kIpv4MinHeader) return std::unexpected(Reject::kIpv4BadHeaderLength);
  if (total_length < header_length) return std::unexpected(Reject::kIpv4TotalLengthTooShort);
  if (packet.size() < total_length) return std::unexpected(Reject::kIpv4Truncated);
  // Past a non-first fragment's header lies the middle of a datagram, not a TCP/UDP header.
  if ((flags_offset & kIpv4FragmentOffset) != 0) return std::unexpected(Reject::kFragmentNotFirst);
  rest.skip(header_length - kIpv4MinHeader);  // options, inside total_length (checked above)
  knock.src = Address::v4(src);
  knock.dst = Address::v4(dst);
  return parse_transport(protocol, rest.take(total_length - header_length),
                         (flags_offset & kIpv4MoreFragments) != 0, knock);
}

// ::ffff:0:0/96 (IPv4-mapped) and ::/96 (IPv4-compatible, deprecated by RFC 4291),
// except :: and ::1, which check_source names for what they are.
bool embeds_ipv4(const Address& a) {
  if (a.is_v4()) return true;
  const auto& b = a.bytes();
  for (int i = 0; i < 12; ++i)
    if (b[i] != 0) return false;
  return (b[12] | b[13] | b[14]) != 0 || b[15] > 1;
}

constexpr bool is_ipv6_extension_header(std::uint8_t next_header) {
  return next_header == kIpv6HopByHop || next_header == kIpv6Routing ||
         next_header == kIpv6Fragment || next_header == kIpv6DestinationOptions;
}

Parsed parse_ipv6(std::span<const std::uint8_t> packet, Knock& knock) {
  ByteReader rest(packet);
  ByteReader h(rest.take(kIpv6Header));
  const std::uint32_t version_class_flow = h.be32();
  const std::uint16_t payload_length = h.be16();
  std::uint8_t next_header = h.u8();
  h.skip(1);  // hop limit
  const auto src = h.take(16);
  const auto dst = h.take(16);
  if (!h.ok()) return std::unexpected(Reject::kIpv6HeaderTooShort);
  if (version_class_flow >> 28 != 6) return std::unexpected(Reject::kIpv6BadVersion);
  if (payload_length == 0) return std::unexpected(Reject::kIpv6PayloadLengthZero);
  if (rest.remaining() < payload_length) return std::unexpected(Reject::kIpv6Truncated);
  knock.src = Address::v6(src.first<16>());
  knock.dst = Address::v6(dst.first<16>());
  // Address keeps IPv4 IPv4-mapped: a mapped IPv6 source would be the same key as the
  // IPv4 one, and open an IPv4 grant; neither form ever appears on a wire.
  if (embeds_ipv4(knock.src) || embeds_ipv4(knock.dst)) return std::unexpected(Reject::kIpv6MappedIpv4);

  ByteReader payload(rest.take(payload_length));
  bool first_fragment = false;
  for (std::size_t headers = 0; is_ipv6_extension_header(next_header); ++headers) {
    if (headers == kMaxIpv6ExtHeaders) return std::unexpected(Reject::kTooManyIpv6ExtHeaders);
    const std::uint8_t type = next_header;
    next_header = payload.u8();
    const std::size_t length_units = payload.u8();  // reserved in a fragment header
    std::uint16_t offset_flags = 0;
    if (type == kIpv6Fragment) {
      offset_flags = payload.be16();
      payload.skip(4);  // identification
    } else {
      payload.skip(length_units * 8 + 6);  // length counts 8-byte units past the first 8
    }
    if (!payload.ok()) return std::unexpected(Reject::kIpv6ExtHeaderTruncated);
    if ((offset_flags & kIpv6FragmentOffset) != 0)
      return std::unexpected(Reject::kFragmentNotFirst);
    first_fragment = first_fragment || (offset_flags & kIpv6MoreFragments) != 0;
  }
  return parse_transport(next_header, payload.take(payload.remaining()), first_fragment, knock);
}

Parsed parse_ethernet(std::span<const std::uint8_t> frame, bool vlan_tag_out_of_band,
                      Knock& knock) {
  ByteReader rest(frame);
  ByteReader h(rest.take(kEthernetHeader));
  h.skip(12);  // destination and source MAC
  std::uint16_t ether_type = h.be16();
  std::size_t vlan_tags = vlan_tag_out_of_band ? 1 : 0;
  while (ether_type == kTpid8021Q || ether_type == kTpid8021ad) {
    if (++vlan_tags > kMaxVlanTags) return std::unexpected(Reject::kTooManyVlanTags);
    // The tag's TPID was just read as the EtherType; its TCI and the inner EtherType follow.
    ByteReader tag(rest.take(kVlanTag));
    const std::uint16_t tci = tag.be16();
    // The outermost tag is the one a VLAN interface on the device would take.
    if (vlan_tags == 1) knock.vlan_id = tci & kVlanIdMask;
    ether_type = tag.be16();
  }
  // A failed take poisons `rest`, and its reader then read zero, which ended the loop.
  if (!rest.ok()) return std::unexpected(Reject::kEthernetTooShort);
  const auto packet = rest.take(rest.remaining());
  switch (ether_type) {
    case kEtherTypeIpv4:
      return parse_ipv4(packet, knock);
    case kEtherTypeIpv6:
      return parse_ipv6(packet, knock);
    default:
      return std::unexpected(Reject::kNotIp);
  }
}

Parsed parse_ip(std::span<const std::uint8_t> packet, Knock& knock) {
  if (packet.empty()) return std::unexpected(Reject::kNotIp);
  switch (packet[0] >> 4) {
    case 4:
      return parse_ipv4(packet, knock);
    case 6:
      return parse_ipv6(packet, knock);
    default:
      return std::unexpected(Reject::kNotIp);
  }
}

}  // namespace

std::expected<Knock, Reject> parse_ip_packet(std::span<const std::uint8_t> packet) {
  std::expected<Knock, Reject> result(std::in_place);
  if (const Parsed parsed = parse_ip(packet, *result); !parsed) result = std::unexpected(parsed.error());
  return result;
}

std::expected<Knock, Reject> parse_frame(std::span<const std::uint8_t> frame,
                                         bool vlan_tag_out_of_band) {
  std::expected<Knock, Reject> result(std::in_place);
  if (const Parsed parsed = parse_ethernet(frame, vlan_tag_out_of_band, *result); !parsed)
    result = std::unexpected(parsed.error());
  return result;  // one named result: constructed in place, never copied
}

}  // namespace sesame
