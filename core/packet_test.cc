// parse_frame against real client captures (every frame, every truncation, every bit
// flip) and synthetic frames that walk every bound to every Reject.
#include "core/packet.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <expected>
#include <functional>
#include <iterator>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace sesame {
namespace {

using Bytes = std::vector<std::uint8_t>;

// What a frame should parse to, written as text so a failure reads like tcpdump.
struct ExpectedKnock {
  const char* src;
  const char* dst;
  Protocol protocol;
  std::uint16_t src_port;
  std::uint16_t dst_port;
  std::uint8_t tcp_flags;
  std::size_t payload_size;
};
using Expected = std::expected<ExpectedKnock, Reject>;

Expected tcp_knock(const char* src, const char* dst, std::uint16_t src_port, std::uint16_t dst_port,
                   std::uint8_t flags) {
  return ExpectedKnock{src, dst, Protocol::kTcp, src_port, dst_port, flags, 0};
}
Expected udp_knock(const char* src, const char* dst, std::uint16_t src_port, std::uint16_t dst_port,
                   std::size_t payload_size) {
  return ExpectedKnock{src, dst, Protocol::kUdp, src_port, dst_port, 0, payload_size};
}
Expected rejected(Reject r) { return std::unexpected(r); }

// A knock's payload must be a view into its own frame.
void expect_payload_inside(std::span<const std::uint8_t> frame,
                           const std::expected<Knock, Reject>& got) {
  if (!got || got->payload.empty()) return;
  const std::less_equal<const std::uint8_t*> le;
  EXPECT_TRUE(le(frame.data(), got->payload.data()) &&
              le(got->payload.data() + got->payload.size(), frame.data() + frame.size()));
}

// `got` parsed from `bytes` (its payload must point inside them) is `want`.
void expect_knock(std::span<const std::uint8_t> bytes, const std::expected<Knock, Reject>& got,
                  const Expected& want) {
  if (!want) {
    ASSERT_FALSE(got) << "parsed as a knock on port " << got->dst_port;
    EXPECT_EQ(reject_name(got.error()), reject_name(want.error()));
    return;
  }
  ASSERT_TRUE(got) << "rejected: " << reject_name(got.error());
  EXPECT_EQ(got->src.to_string(), want->src);
  EXPECT_EQ(got->dst.to_string(), want->dst);
  EXPECT_EQ(protocol_name(got->protocol), protocol_name(want->protocol));
  EXPECT_EQ(got->src_port, want->src_port);
  EXPECT_EQ(got->dst_port, want->dst_port);
  EXPECT_EQ(got->tcp_flags, want->tcp_flags);
  EXPECT_EQ(got->payload.size(), want->payload_size);
  expect_payload_inside(bytes, got);
}

void expect_parse(std::span<const std::uint8_t> frame, const Expected& want,
                  bool vlan_tag_out_of_band = false) {
  expect_knock(frame, parse_frame(frame, vlan_tag_out_of_band), want);
}

// ---- Real captures (see tests/captures/README.md) ----

constexpr const char* kClient4 = "198.18.0.2";
constexpr const char* kServer4 = "198.18.0.1";
constexpr const char* kClient6 = "2001:2::2";
constexpr const char* kServer6 = "2001:2::1";
constexpr std::uint8_t kSyn = tcp_flag::kSyn;
constexpr std::uint8_t kRstAck = tcp_flag::kRst | tcp_flag::kAck;

struct Capture {
  const char* file;
  std::vector<Expected> frames;  // in capture order, as `tcpdump -nn -e -r` lists them
};

const std::vector<Capture>& captures() {
  static const std::vector<Capture> kCaptures = {
      {"knock-client.pcap",
       {
           // The new link's start-up: duplicate address detection, MLD reports behind a
           // hop-by-hop header, a router solicitation
           rejected(Reject::kNotTcpOrUdp),  // neighbour solicitation from ::
           rejected(Reject::kNotTcpOrUdp),  // MLD report from ::
           rejected(Reject::kNotTcpOrUdp),  // neighbour solicitation from ::
           rejected(Reject::kNotTcpOrUdp),  // MLD report from ::
           rejected(Reject::kNotTcpOrUdp),  // MLD report
           rejected(Reject::kNotTcpOrUdp),  // router solicitation
           rejected(Reject::kNotIp),        // ARP request
           rejected(Reject::kNotIp),        // ARP reply
           // knock -d 100 198.18.0.1 7000 8000 9000: SYNs, each refused with RST|ACK
           tcp_knock(kClient4, kServer4, 52018, 7000, kSyn),
           tcp_knock(kServer4, kClient4, 7000, 52018, kRstAck),
           tcp_knock(kClient4, kServer4, 33770, 8000, kSyn),
           tcp_knock(kServer4, kClient4, 8000, 33770, kRstAck),
           tcp_knock(kClient4, kServer4, 34574, 9000, kSyn),
           tcp_knock(kServer4, kClient4, 9000, 34574, kRstAck),
           rejected(Reject::kNotTcpOrUdp),  // MLD report
           // knock -d 100 -u 198.18.0.1 7001 8001 9001: one byte each, ICMP port unreachable back
           udp_knock(kClient4, kServer4, 42077, 7001, 1),
           rejected(Reject::kNotTcpOrUdp),
           udp_knock(kClient4, kServer4, 40037, 8001, 1),
           rejected(Reject::kNotTcpOrUdp),
           rejected(Reject::kNotTcpOrUdp),  // MLD report
           rejected(Reject::kNotTcpOrUdp),  // router solicitation
           udp_knock(kClient4, kServer4, 45577, 9001, 1),
           rejected(Reject::kNotTcpOrUdp),
           // knock -d 100 198.18.0.1 7002:udp 8002:tcp 9002
           udp_knock(kClient4, kServer4, 59829, 7002, 1),
           rejected(Reject::kNotTcpOrUdp),
           tcp_knock(kClient4, kServer4, 60308, 8002, kSyn),
           tcp_knock(kServer4, kClient4, 8002, 60308, kRstAck),
           tcp_knock(kClient4, kServer4, 36056, 9002, kSyn),
           tcp_knock(kServer4, kClient4, 9002, 36056, kRstAck),
           rejected(Reject::kNotTcpOrUdp),  // neighbour solicitation
           rejected(Reject::kNotTcpOrUdp),  // neighbour advertisement
           // knock -d 100 -6 2001:2::1 7000 8000 9000
           tcp_knock(kClient6, kServer6, 59538, 7000, kSyn),
           tcp_knock(kServer6, kClient6, 7000, 59538, kRstAck),
           tcp_knock(kClient6, kServer6, 56648, 8000, kSyn),
           tcp_knock(kServer6, kClient6, 8000, 56648, kRstAck),
           rejected(Reject::kNotTcpOrUdp),  // MLD report
           tcp_knock(kClient6, kServer6, 41214, 9000, kSyn),
           tcp_knock(kServer6, kClient6, 9000, 41214, kRstAck),
           // knock -d 100 -6 -u 2001:2::1 7001 8001: ICMPv6 port unreachable back
           udp_knock(kClient6, kServer6, 55394, 7001, 1),
           rejected(Reject::kNotTcpOrUdp),
           udp_knock(kClient6, kServer6, 36162, 8001, 1),
           rejected(Reject::kNotTcpOrUdp),
       }},
      {"fwknop-spa.pcap", {udp_knock(kClient4, kServer4, 52431, 62201, 204)}},
  };
  return kCaptures;
}

// Every frame of one capture, in order.
std::vector<Bytes> read_capture(const char* file) {
  const std::string path = std::string(SESAME_CAPTURES) + "/" + file;
  char error[PCAP_ERRBUF_SIZE];
  pcap_t* pcap = pcap_open_offline(path.c_str(), error);
  if (pcap == nullptr) {
    ADD_FAILURE() << path << ": " << error;
    return {};
  }
  EXPECT_EQ(pcap_datalink(pcap), DLT_EN10MB) << path;
  std::vector<Bytes> frames;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(pcap, &header, &data) == 1) frames.emplace_back(data, data + header->caplen);
  pcap_close(pcap);
  return frames;
}

const std::vector<Bytes>& all_captured_frames() {
  static const std::vector<Bytes> kFrames = [] {
    std::vector<Bytes> frames;
    for (const Capture& c : captures())
      std::ranges::move(read_capture(c.file), std::back_inserter(frames));
    return frames;
  }();
  return kFrames;
}

TEST(PacketCaptureTest, EveryFrameParsesAsRecorded) {
  for (const Capture& c : captures()) {
    const std::vector<Bytes> frames = read_capture(c.file);
    ASSERT_EQ(frames.size(), c.frames.size()) << c.file;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      SCOPED_TRACE(std::string(c.file) + " frame " + std::to_string(i + 1));
      expect_parse(frames[i], c.frames[i]);
    }
  }
}

// The captures carry no Ethernet padding, so every strict prefix cuts into a header or
// the IP packet and must reject. Each prefix is its own allocation of exactly that size,
// so ASan sees any read past it.
TEST(PacketCaptureTest, EveryTruncationRejects) {
  ASSERT_FALSE(all_captured_frames().empty());
  for (const Bytes& frame : all_captured_frames()) {
    for (std::size_t n = 0; n < frame.size(); ++n) {
      const Bytes prefix(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
      for (const bool out_of_band : {false, true})
        EXPECT_FALSE(parse_frame(prefix, out_of_band)) << n << " of " << frame.size() << " bytes";
    }
  }
}

// Nothing to predict per flip; the point is that no flip reads out of bounds (ASan, UBSan)
// and that a knock's payload still points into its frame.
TEST(PacketCaptureTest, EveryBitFlipStaysInBounds) {
  ASSERT_FALSE(all_captured_frames().empty());
  for (const Bytes& frame : all_captured_frames()) {
    Bytes flipped = frame;
    for (std::size_t bit = 0; bit < frame.size() * 8; ++bit) {
      flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      expect_payload_inside(flipped, parse_frame(flipped));
      flipped[bit / 8] = frame[bit / 8];
    }
  }
}

// ---- Synthetic frames ----

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherArp = 0x0806;
constexpr std::uint8_t kIcmp = 1;
constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kUdp = 17;
constexpr std::uint8_t kHopByHop = 0;
constexpr std::uint8_t kRouting = 43;
constexpr std::uint8_t kFragment = 44;
constexpr std::uint8_t kEsp = 50;
constexpr std::uint8_t kAh = 51;
constexpr std::uint8_t kNoNextHeader = 59;
constexpr std::uint8_t kDestinationOptions = 60;
constexpr std::uint16_t kMoreFragments = 0x2000;
constexpr std::uint16_t kDontFragment = 0x4000;
constexpr std::uint16_t kSrcPort = 40000;

Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
void put16(Bytes& b, std::size_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& b, std::uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xffff);
}
Bytes prefix(Bytes b, std::size_t n) {
  b.resize(n);
  return b;
}

// Zero MACs, then `vlan_tags` tags (an 802.1ad S-tag outside 802.1Q C-tags).
Bytes ethernet(std::uint16_t ether_type, std::size_t vlan_tags = 0) {
  Bytes b(12, 0);
  for (std::size_t i = 0; i < vlan_tags; ++i) {
    put16(b, i == 0 ? 0x88a8 : 0x8100);
    put16(b, 100 + i);  // VLAN id
  }
  put16(b, ether_type);
  return b;
}

struct Ipv4 {
  std::uint8_t version = 4;
  std::uint8_t ihl = 5;                                      // words; beyond 5 are NOP options
  std::optional<std::uint16_t> total_length = std::nullopt;  // default: header + payload
  std::uint16_t flags_offset = 0;
  std::uint8_t protocol = kTcp;
};
// 198.18.0.2 -> 198.18.0.1
Bytes ipv4(const Ipv4& h, const Bytes& payload) {
  const std::size_t header = std::max<std::size_t>(h.ihl, 5) * 4;
  Bytes b{static_cast<std::uint8_t>(h.version << 4 | h.ihl), 0};
  put16(b, h.total_length.value_or(header + payload.size()));
  put16(b, 0x1234);  // identification
  put16(b, h.flags_offset);
  b.push_back(64);  // TTL
  b.push_back(h.protocol);
  put16(b, 0);  // checksum, not verified
  put32(b, 0xc6120002);
  put32(b, 0xc6120001);
  b.resize(header, 1);
  return b + payload;
}

struct Ipv6 {
  std::uint8_t version = 6;
  std::uint8_t next_header = kTcp;
  std::optional<std::uint16_t> payload_length = std::nullopt;  // default: payload size
  std::optional<Bytes> src = std::nullopt;  // default: 2001:2::2
  std::optional<Bytes> dst = std::nullopt;  // default: 2001:2::1
};
Bytes v6_host(std::uint8_t host) { return {0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, host}; }
// ::ffff:198.18.0.2 and ::198.18.0.2
const Bytes kMappedClient{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 0, 2};
const Bytes kCompatibleClient{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 198, 18, 0, 2};
Bytes ipv6(const Ipv6& h, const Bytes& payload) {
  Bytes b;
  put32(b, std::uint32_t{h.version} << 28);
  put16(b, h.payload_length.value_or(payload.size()));
  b.push_back(h.next_header);
  b.push_back(64);  // hop limit
  b = b + h.src.value_or(v6_host(2)) + h.dst.value_or(v6_host(1));
  return b + payload;
}
// Hop-by-hop, routing or destination options: (length_units + 1) * 8 bytes of padding.
Bytes ext_header(std::uint8_t next_header, std::uint8_t length_units = 0) {
  Bytes b{next_header, length_units};
  b.resize((length_units + 1u) * 8u, 0);
  return b;
}
Bytes fragment_header(std::uint8_t next_header, std::uint16_t offset_units, bool more) {
  Bytes b{next_header, 0};
  put16(b, static_cast<std::size_t>(offset_units) << 3 | (more ? 1 : 0));
  put32(b, 0xdecafbad);  // identification
  return b;
}
// `count` destination options headers, the last followed by `next_header`; the IPv6
// header's next header is then kDestinationOptions.
Bytes ext_chain(std::size_t count, std::uint8_t next_header) {
  Bytes b;
  for (std::size_t i = 1; i <= count; ++i)
    b = b + ext_header(i == count ? next_header : kDestinationOptions);
  return b;
}

struct Tcp {
  std::uint16_t dst_port = 7000;
  std::uint8_t flags = tcp_flag::kSyn;
  std::uint8_t data_offset = 5;  // words; beyond 5 are NOP options
};
Bytes tcp(const Tcp& h) {
  Bytes b;
  put16(b, kSrcPort);
  put16(b, h.dst_port);
  put32(b, 0x01020304);  // sequence
  put32(b, 0);           // acknowledgement
  b.push_back(static_cast<std::uint8_t>(h.data_offset << 4));
  b.push_back(h.flags);
  put16(b, 64240);  // window
  put32(b, 0);      // checksum, urgent pointer
  b.resize(std::max<std::size_t>(h.data_offset, 5) * 4, 1);
  return b;
}

struct Udp {
  std::uint16_t dst_port = 7001;
  Bytes payload = {'k'};
  std::optional<std::uint16_t> length = std::nullopt;  // default: 8 + payload
};
Bytes udp(const Udp& h) {
  Bytes b;
  put16(b, kSrcPort);
  put16(b, h.dst_port);
  put16(b, h.length.value_or(8 + h.payload.size()));
  put16(b, 0);  // checksum
  return b + h.payload;
}

const Expected kV4Syn = tcp_knock(kClient4, kServer4, kSrcPort, 7000, kSyn);
const Expected kV6Syn = tcp_knock(kClient6, kServer6, kSrcPort, 7000, kSyn);
const Expected kV4Udp = udp_knock(kClient4, kServer4, kSrcPort, 7001, 1);
const Expected kV6Udp = udp_knock(kClient6, kServer6, kSrcPort, 7001, 1);

struct Case {
  const char* name;
  Bytes frame;
  Expected want;
  bool vlan_tag_out_of_band = false;
};
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name << " (" << c.frame.size() << " bytes)";
}

std::vector<Case> synthetic_cases() {
  const Bytes eth4 = ethernet(kEtherIpv4);
  const Bytes eth6 = ethernet(kEtherIpv6);
  const Bytes syn = tcp({});
  const Bytes v4_syn = eth4 + ipv4({}, syn);
  const Bytes v4_udp = eth4 + ipv4({.protocol = kUdp}, udp({}));
  const auto v4_frame = [&](const Bytes& segment) { return eth4 + ipv4({}, segment); };
  const auto v4_udp_with = [&](const Udp& u) { return eth4 + ipv4({.protocol = kUdp}, udp(u)); };
  const auto v4_first_fragment = [&](std::uint8_t protocol, const Bytes& l4) {
    return eth4 + ipv4({.flags_offset = kMoreFragments, .protocol = protocol}, l4);
  };
  const auto v6_frame = [&](std::uint8_t next_header, const Bytes& payload) {
    return eth6 + ipv6({.next_header = next_header}, payload);
  };
  return {
      // Ethernet and VLAN tags
      {"EthernetTooShort", prefix(v4_syn, 13), rejected(Reject::kEthernetTooShort)},
      {"VlanTagCutShort", prefix(ethernet(kEtherIpv4, 1), 16), rejected(Reject::kEthernetTooShort)},
      {"Arp", ethernet(kEtherArp) + Bytes(28, 0), rejected(Reject::kNotIp)},
      {"OneVlanTag", ethernet(kEtherIpv4, 1) + ipv4({}, syn), kV4Syn},
      {"TwoVlanTags", ethernet(kEtherIpv4, 2) + ipv4({}, syn), kV4Syn},
      {"ThreeVlanTags", ethernet(kEtherIpv4, 3) + ipv4({}, syn),
       rejected(Reject::kTooManyVlanTags)},
      {"OutOfBandTagAndOneInBand", ethernet(kEtherIpv4, 1) + ipv4({}, syn), kV4Syn, true},
      {"OutOfBandTagAndTwoInBand", ethernet(kEtherIpv4, 2) + ipv4({}, syn),
       rejected(Reject::kTooManyVlanTags), true},
      {"TwoVlanTagsOverIpv6", ethernet(kEtherIpv6, 2) + ipv6({}, syn), kV6Syn},

      // IPv4 header
      {"Ipv4HeaderTooShort", prefix(v4_syn, 14 + 19), rejected(Reject::kIpv4HeaderTooShort)},
      {"Ipv4Version6", eth4 + ipv4({.version = 6}, syn), rejected(Reject::kIpv4BadVersion)},
      {"Ipv4HeaderLength4Words", eth4 + ipv4({.ihl = 4}, syn),
       rejected(Reject::kIpv4BadHeaderLength)},
      {"Ipv4HeaderLength0", eth4 + ipv4({.ihl = 0}, syn), rejected(Reject::kIpv4BadHeaderLength)},
      {"Ipv4OneOptionWord", eth4 + ipv4({.ihl = 6}, syn), kV4Syn},
      {"Ipv4LongestOptions", eth4 + ipv4({.ihl = 15}, syn), kV4Syn},
      {"Ipv4TotalLengthBelowHeader", eth4 + ipv4({.ihl = 6, .total_length = 20}, syn),
       rejected(Reject::kIpv4TotalLengthTooShort)},
      {"Ipv4TotalLengthBeyondCapture", eth4 + ipv4({.total_length = 41}, syn),
       rejected(Reject::kIpv4Truncated)},
      // 43 bytes padded to Ethernet's 60: the padding is neither UDP length nor payload.
      {"Ipv4EthernetPaddingIgnored", v4_udp + Bytes(17, 0xee), kV4Udp},
      {"Ipv4DontFragment", eth4 + ipv4({.flags_offset = kDontFragment}, syn), kV4Syn},
      {"Ipv4Icmp", eth4 + ipv4({.protocol = kIcmp}, Bytes(8, 0)), rejected(Reject::kNotTcpOrUdp)},

      // IPv4 fragments
      {"Ipv4FirstFragmentWholeTcpHeader", v4_first_fragment(kTcp, syn), kV4Syn},
      {"Ipv4FirstFragmentPartialTcpHeader", v4_first_fragment(kTcp, prefix(syn, 12)),
       rejected(Reject::kFragmentL4Incomplete)},
      {"Ipv4FirstFragmentPartialTcpOptions",
       v4_first_fragment(kTcp, prefix(tcp({.data_offset = 8}), 24)),
       rejected(Reject::kFragmentL4Incomplete)},
      {"Ipv4FirstFragmentPartialUdpHeader", v4_first_fragment(kUdp, prefix(udp({}), 4)),
       rejected(Reject::kFragmentL4Incomplete)},
      // The UDP length covers fragments still to come; the payload is what is here.
      {"Ipv4FirstFragmentUdpLongerThanFragment",
       v4_first_fragment(kUdp, udp({.payload = Bytes(8, 'k'), .length = 1480})),
       udp_knock(kClient4, kServer4, kSrcPort, 7001, 8)},
      {"Ipv4MiddleFragment", eth4 + ipv4({.flags_offset = kMoreFragments | 185}, syn),
       rejected(Reject::kFragmentNotFirst)},
      {"Ipv4LastFragment", eth4 + ipv4({.flags_offset = 185}, syn),
       rejected(Reject::kFragmentNotFirst)},

      // IPv6 header
      {"Ipv6HeaderTooShort", prefix(eth6 + ipv6({}, syn), 14 + 39),
       rejected(Reject::kIpv6HeaderTooShort)},
      {"Ipv6Version4", eth6 + ipv6({.version = 4}, syn), rejected(Reject::kIpv6BadVersion)},
      // Hop-by-hop with a Jumbo Payload option (type 0xc2) claiming 65536 bytes.
      {"Ipv6Jumbogram",
       eth6 + ipv6({.next_header = kHopByHop, .payload_length = 0},
                   Bytes{kTcp, 0, 0xc2, 4, 0, 1, 0, 0} + syn),
       rejected(Reject::kIpv6PayloadLengthZero)},
      {"Ipv6PayloadLengthBeyondCapture", eth6 + ipv6({.payload_length = 21}, syn),
       rejected(Reject::kIpv6Truncated)},
      {"Ipv6BytesPastPayloadLengthIgnored",
       eth6 + ipv6({.next_header = kUdp}, udp({})) + Bytes(7, 0xee), kV6Udp},
      {"Ipv6Icmpv6", v6_frame(58, Bytes(8, 0)), rejected(Reject::kNotTcpOrUdp)},
      {"Ipv6NoNextHeader", v6_frame(kNoNextHeader, Bytes(8, 0)), rejected(Reject::kNotTcpOrUdp)},
      {"Ipv6Esp", v6_frame(kEsp, Bytes(16, 0)), rejected(Reject::kNotTcpOrUdp)},
      {"Ipv6AhIsNotWalked", v6_frame(kAh, ext_header(kTcp) + syn), rejected(Reject::kNotTcpOrUdp)},
      // IPv4 in IPv6 clothes is never folded into the IPv4 address it carries.
      {"Ipv6MappedSource", eth6 + ipv6({.src = kMappedClient}, syn), rejected(Reject::kIpv6MappedIpv4)},
      {"Ipv6CompatibleSource", eth6 + ipv6({.src = kCompatibleClient}, syn), rejected(Reject::kIpv6MappedIpv4)},
      {"Ipv6MappedDestination", eth6 + ipv6({.dst = kMappedClient}, syn), rejected(Reject::kIpv6MappedIpv4)},
      {"Ipv6LoopbackSourceIsLeftToTheSourceCheck", eth6 + ipv6({.src = Bytes(15, 0) + Bytes{1}}, syn),
       tcp_knock("::1", kServer6, kSrcPort, 7000, kSyn)},

      // IPv6 extension headers
      {"Ipv6HopByHop", v6_frame(kHopByHop, ext_header(kTcp) + syn), kV6Syn},
      {"Ipv6LongRoutingHeader", v6_frame(kRouting, ext_header(kUdp, 2) + udp({})), kV6Udp},
      {"Ipv6MaxExtHeaders",
       v6_frame(kDestinationOptions, ext_chain(kMaxIpv6ExtHeaders, kTcp) + syn), kV6Syn},
      {"Ipv6OneExtHeaderTooMany",
       v6_frame(kDestinationOptions, ext_chain(kMaxIpv6ExtHeaders + 1, kTcp) + syn),
       rejected(Reject::kTooManyIpv6ExtHeaders)},
      {"Ipv6ExtHeaderCutShort", v6_frame(kHopByHop, prefix(ext_header(kTcp, 1), 12)),
       rejected(Reject::kIpv6ExtHeaderTruncated)},
      // Captured bytes past the payload length are not the header's to claim.
      {"Ipv6ExtHeaderPastPayloadLength",
       eth6 + ipv6({.next_header = kHopByHop, .payload_length = 10}, ext_header(kTcp, 1) + syn),
       rejected(Reject::kIpv6ExtHeaderTruncated)},

      // IPv6 fragment header
      {"Ipv6FragmentHeaderCutShort", v6_frame(kFragment, prefix(fragment_header(kTcp, 0, true), 6)),
       rejected(Reject::kIpv6ExtHeaderTruncated)},
      {"Ipv6FirstFragment", v6_frame(kFragment, fragment_header(kTcp, 0, true) + syn), kV6Syn},
      {"Ipv6AtomicFragment", v6_frame(kFragment, fragment_header(kTcp, 0, false) + syn), kV6Syn},
      {"Ipv6FragmentAfterHopByHop",
       v6_frame(kHopByHop, ext_header(kFragment) + fragment_header(kUdp, 0, true) + udp({})),
       kV6Udp},
      {"Ipv6FirstFragmentPartialTcpHeader",
       v6_frame(kFragment, fragment_header(kTcp, 0, true) + prefix(syn, 12)),
       rejected(Reject::kFragmentL4Incomplete)},
      {"Ipv6MiddleFragment", v6_frame(kFragment, fragment_header(kTcp, 100, true) + syn),
       rejected(Reject::kFragmentNotFirst)},
      {"Ipv6LastFragment", v6_frame(kFragment, fragment_header(kTcp, 100, false) + syn),
       rejected(Reject::kFragmentNotFirst)},

      // TCP
      {"TcpHeaderTooShort", v4_frame(prefix(syn, 19)), rejected(Reject::kTcpHeaderTooShort)},
      {"TcpDataOffset4", v4_frame(tcp({.data_offset = 4})), rejected(Reject::kTcpBadDataOffset)},
      {"TcpDataOffset0", v4_frame(tcp({.data_offset = 0})), rejected(Reject::kTcpBadDataOffset)},
      {"TcpDataOffsetBeyondPayload", v4_frame(prefix(tcp({.data_offset = 15}), 56)),
       rejected(Reject::kTcpOptionsTruncated)},
      {"TcpDataOffsetBeyondIpv6Payload", v6_frame(kTcp, prefix(tcp({.data_offset = 6}), 20)),
       rejected(Reject::kTcpOptionsTruncated)},
      {"TcpLongestOptions", v4_frame(tcp({.data_offset = 15})), kV4Syn},
      {"TcpFlagsByteKeptWhole", v4_frame(tcp({.dst_port = 1, .flags = 0xff})),
       tcp_knock(kClient4, kServer4, kSrcPort, 1, 0xff)},

      // UDP
      {"UdpHeaderTooShort", eth4 + ipv4({.protocol = kUdp}, prefix(udp({}), 7)),
       rejected(Reject::kUdpHeaderTooShort)},
      {"UdpLength7", v4_udp_with({.length = 7}), rejected(Reject::kUdpBadLength)},
      {"UdpLengthBeyondPayload", v4_udp_with({.length = 10}),
       rejected(Reject::kUdpLengthBeyondPayload)},
      {"UdpLengthBeyondIpv6Payload", v6_frame(kUdp, udp({.length = 10})),
       rejected(Reject::kUdpLengthBeyondPayload)},
      // Bytes inside the IP packet past the UDP length are not payload.
      {"UdpLengthShorterThanIpPayload", v4_udp_with({.length = 8}),
       udp_knock(kClient4, kServer4, kSrcPort, 7001, 0)},
      {"UdpEmptyPayload", v4_udp_with({.dst_port = 62201, .payload = {}}),
       udp_knock(kClient4, kServer4, kSrcPort, 62201, 0)},
  };
}

class PacketSyntheticTest : public testing::TestWithParam<Case> {};

TEST_P(PacketSyntheticTest, ParsesAsExpected) {
  const Case& c = GetParam();
  // An exact-size copy, so ASan sees a read past the end.
  const Bytes frame = c.frame;
  expect_parse(frame, c.want, c.vlan_tag_out_of_band);
}

INSTANTIATE_TEST_SUITE_P(Frames, PacketSyntheticTest, testing::ValuesIn(synthetic_cases()),
                         [](const testing::TestParamInfo<Case>& p) { return p.param.name; });

// A link without a link header (tun, WireGuard, ppp) delivers the IP packet alone:
// parse_ip_packet reads it as parse_frame reads the same packet behind an Ethernet header.
TEST(PacketTest, IpPacketParsesAsItsEthernetFrame) {
  std::size_t compared = 0;
  for (const Case& c : synthetic_cases()) {
    if (c.vlan_tag_out_of_band || c.frame.size() <= 14) continue;
    const std::uint16_t ether_type = static_cast<std::uint16_t>(c.frame[12] << 8 | c.frame[13]);
    const std::uint8_t version = c.frame[14] >> 4;
    // The version nibble is all parse_ip_packet has; skip frames whose two disagree.
    if (!(ether_type == 0x0800 && version == 4) && !(ether_type == 0x86dd && version == 6)) continue;
    const Bytes packet(c.frame.begin() + 14, c.frame.end());
    SCOPED_TRACE(c.name);
    expect_knock(packet, parse_ip_packet(packet), c.want);
    ++compared;
  }
  EXPECT_GT(compared, 20u);
  EXPECT_EQ(parse_ip_packet({}).error(), Reject::kNotIp);
  EXPECT_EQ(parse_ip_packet(Bytes{0x50, 0, 0, 20}).error(), Reject::kNotIp);
}

TEST(PacketTest, EveryRejectIsReached) {
  std::array<bool, kRejectCount> reached{};
  for (const Case& c : synthetic_cases())
    if (!c.want) reached[std::to_underlying(c.want.error())] = true;
  for (const Capture& capture : captures())
    for (const Expected& want : capture.frames)
      if (!want) reached[std::to_underlying(want.error())] = true;
  for (const EnumName<Reject>& r : kRejectNames)
    EXPECT_TRUE(reached[std::to_underlying(r.value)]) << r.name << " has no test";
}

TEST(PacketTest, RejectNamesAreDistinct) {
  for (std::size_t i = 0; i < kRejectNames.size(); ++i)
    for (std::size_t j = i + 1; j < kRejectNames.size(); ++j)
      EXPECT_NE(kRejectNames[i].name, kRejectNames[j].name);
  EXPECT_EQ(reject_name(Reject::kIpv4HeaderTooShort), "ipv4_header_too_short");
}

// The outermost in-band tag's ID, priority bits masked off: sesamed compares it with
// the VLAN interfaces on the device.
TEST(PacketTest, OutermostVlanIdIsKept) {
  const Bytes syn = tcp({});
  EXPECT_EQ(parse_frame(ethernet(kEtherIpv4) + ipv4({}, syn))->vlan_id, 0);
  EXPECT_EQ(parse_frame(ethernet(kEtherIpv4, 1) + ipv4({}, syn))->vlan_id, 100);
  EXPECT_EQ(parse_frame(ethernet(kEtherIpv4, 2) + ipv4({}, syn))->vlan_id, 100);
  Bytes priority = ethernet(kEtherIpv4, 1) + ipv4({}, syn);
  priority[14] = 0xe0;  // PCP 7 above VLAN 100
  EXPECT_EQ(parse_frame(priority)->vlan_id, 100);
}

// Single-packet authorization reads the payload later: it must be the UDP data itself,
// in place.
TEST(PacketTest, UdpPayloadIsAViewIntoTheFrame) {
  const Bytes frame = ethernet(kEtherIpv4, 1) +
                      ipv4({.ihl = 6, .protocol = kUdp}, udp({.payload = {'s', 'p', 'a'}}));
  const auto knock = parse_frame(frame);
  ASSERT_TRUE(knock) << reject_name(knock.error());
  EXPECT_EQ(knock->payload.data(), frame.data() + 18 + 24 + 8);
  EXPECT_TRUE(std::ranges::equal(knock->payload, Bytes{'s', 'p', 'a'}));
}

}  // namespace
}  // namespace sesame
