// The socket filter and the fanout program, run by a small cBPF interpreter that
// follows the kernel's rules (forward jumps only, a load past the frame returns 0):
// the filter must pass every frame the matcher finds relevant, on the real client
// captures and on random doors and frames; the fanout program must keep a source on
// one worker whatever its ports.
#include "core/bpf_program.h"

#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/matcher.h"
#include "core/packet.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

using Bytes = std::vector<std::uint8_t>;

// ---- A cBPF interpreter with the kernel's semantics for what these programs use ----

// What the kernel hands a program besides the bytes.
struct SkbMeta {
  std::uint32_t protocol = 0;  // SKF_AD_PROTOCOL: the EtherType, host order
  std::uint32_t pkttype = PACKET_HOST;
};

// The kernel's static checks (bpf_check_classic): length, every jump inside the
// program, scratch memory indices, a return at the end.
::testing::AssertionResult valid(std::span<const sock_filter> prog) {
  if (prog.empty() || prog.size() > BPF_MAXINSNS)
    return ::testing::AssertionFailure() << "length " << prog.size();
  for (std::size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& f = prog[pc];
    const std::size_t rest = prog.size() - pc - 1;
    if (BPF_CLASS(f.code) == BPF_JMP) {
      const bool bad = BPF_OP(f.code) == BPF_JA ? f.k >= rest : (f.jt >= rest || f.jf >= rest);
      if (bad) return ::testing::AssertionFailure() << "jump out of the program at " << pc;
    }
    const bool mem = (BPF_CLASS(f.code) == BPF_LD || BPF_CLASS(f.code) == BPF_LDX) && BPF_MODE(f.code) == BPF_MEM;
    if ((mem || BPF_CLASS(f.code) == BPF_ST || BPF_CLASS(f.code) == BPF_STX) && f.k >= BPF_MEMWORDS)
      return ::testing::AssertionFailure() << "scratch index at " << pc;
  }
  if (BPF_CLASS(prog.back().code) != BPF_RET) return ::testing::AssertionFailure() << "no final return";
  return ::testing::AssertionSuccess();
}

std::optional<std::uint32_t> load(std::span<const std::uint8_t> p, std::uint32_t at, std::uint16_t size) {
  const std::size_t n = BPF_SIZE(size) == BPF_W ? 4 : BPF_SIZE(size) == BPF_H ? 2 : 1;
  if (at > p.size() || n > p.size() - at) return std::nullopt;
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v << 8 | p[at + i];
  return v;
}

std::uint32_t run(std::span<const sock_filter> prog, std::span<const std::uint8_t> p, const SkbMeta& meta) {
  std::uint32_t a = 0, x = 0;
  std::array<std::uint32_t, BPF_MEMWORDS> mem{};
  for (std::size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& f = prog[pc];
    const std::uint32_t src = BPF_SRC(f.code) == BPF_X ? x : f.k;
    switch (BPF_CLASS(f.code)) {
      case BPF_LD:
        if (BPF_MODE(f.code) == BPF_IMM) {
          a = f.k;
        } else if (BPF_MODE(f.code) == BPF_MEM) {
          a = mem[f.k];
        } else if (BPF_MODE(f.code) == BPF_ABS && f.k >= static_cast<std::uint32_t>(SKF_AD_OFF)) {
          const std::uint32_t ad = f.k - static_cast<std::uint32_t>(SKF_AD_OFF);
          if (ad == SKF_AD_PROTOCOL) a = meta.protocol;
          else if (ad == SKF_AD_PKTTYPE) a = meta.pkttype;
          else ADD_FAILURE() << "ancillary load " << ad;
        } else {
          const std::uint32_t at = BPF_MODE(f.code) == BPF_IND ? x + f.k : f.k;
          const auto v = load(p, at, f.code);
          if (!v) return 0;
          a = *v;
        }
        break;
      case BPF_LDX:
        if (BPF_MODE(f.code) == BPF_IMM) {
          x = f.k;
        } else if (BPF_MODE(f.code) == BPF_MEM) {
          x = mem[f.k];
        } else if (BPF_MODE(f.code) == BPF_MSH) {
          const auto v = load(p, f.k, BPF_B);
          if (!v) return 0;
          x = (*v & 0xf) * 4;
        } else {
          ADD_FAILURE() << "ldx mode " << f.code;
        }
        break;
      case BPF_ST: mem[f.k] = a; break;
      case BPF_STX: mem[f.k] = x; break;
      case BPF_ALU:
        switch (BPF_OP(f.code)) {
          case BPF_ADD: a += src; break;
          case BPF_SUB: a -= src; break;
          case BPF_MUL: a *= src; break;
          case BPF_AND: a &= src; break;
          case BPF_OR: a |= src; break;
          case BPF_XOR: a ^= src; break;
          case BPF_LSH: a = src < 32 ? a << src : 0; break;
          case BPF_RSH: a = src < 32 ? a >> src : 0; break;
          default: ADD_FAILURE() << "alu op " << f.code;
        }
        break;
      case BPF_JMP: {
        if (BPF_OP(f.code) == BPF_JA) {
          pc += f.k;
          break;
        }
        bool taken = false;
        switch (BPF_OP(f.code)) {
          case BPF_JEQ: taken = a == src; break;
          case BPF_JGT: taken = a > src; break;
          case BPF_JGE: taken = a >= src; break;
          case BPF_JSET: taken = (a & src) != 0; break;
          default: ADD_FAILURE() << "jump op " << f.code;
        }
        pc += taken ? f.jt : f.jf;
        break;
      }
      case BPF_RET: return BPF_RVAL(f.code) == BPF_A ? a : f.k;
      case BPF_MISC:
        if (BPF_MISCOP(f.code) == BPF_TAX) x = a;
        else a = x;
        break;
    }
  }
  ADD_FAILURE() << "ran off the end";
  return 0;
}

bool passes(const KnockFilter& filter, std::span<const std::uint8_t> frame,
            std::uint32_t pkttype = PACKET_HOST) {
  return run(filter.program, frame, {.protocol = 0, .pkttype = pkttype}) == kBpfWholeFrame;
}

// A frame of a link with no link header (tun, WireGuard, ppp), through ip_program.
bool passes_ip_first(const KnockFilter& filter, std::span<const std::uint8_t> packet,
                     std::uint32_t pkttype = PACKET_HOST) {
  return run(filter.ip_program, packet, {.protocol = 0, .pkttype = pkttype}) == kBpfWholeFrame;
}

// The fanout program sees the frame from the network header and the EtherType aside.
std::uint32_t fanout(std::span<const sock_filter> prog, std::span<const std::uint8_t> frame) {
  const std::uint32_t ethertype = std::uint32_t{frame[12]} << 8 | frame[13];
  return run(prog, frame.subspan(14), {.protocol = ethertype});
}

// ---- Frames ----

struct FrameSpec {
  Address src;
  Address dst;
  Protocol protocol = Protocol::kTcp;
  std::uint16_t dst_port = 0;
  std::uint8_t tcp_flags = tcp_flag::kSyn;
  std::uint8_t ipv4_option_words = 0;
  std::uint16_t ipv4_fragment = 0;  // flags and offset field
  bool ipv6_hop_by_hop = false;
  bool vlan_in_band = false;
};

void put16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

Bytes frame(const FrameSpec& s) {
  Bytes b(12, 0x02);  // MACs
  auto push16 = [&](std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
  };
  if (s.vlan_in_band) {
    push16(0x8100);
    push16(42);
  }
  const bool v4 = s.src.is_v4();
  push16(v4 ? 0x0800 : 0x86dd);
  const std::size_t l4_size = s.protocol == Protocol::kTcp ? 20 : 9;
  if (v4) {
    const std::size_t ihl = 5 + s.ipv4_option_words;
    const std::size_t ip = b.size();
    b.resize(ip + ihl * 4, 0x01);  // options: NOPs
    b[ip] = static_cast<std::uint8_t>(0x40 | ihl);
    b[ip + 1] = 0;
    put16(b, ip + 2, static_cast<std::uint16_t>(ihl * 4 + l4_size));
    put16(b, ip + 4, 0);
    put16(b, ip + 6, s.ipv4_fragment);
    b[ip + 8] = 64;
    b[ip + 9] = static_cast<std::uint8_t>(s.protocol);
    put16(b, ip + 10, 0);
    std::copy_n(s.src.bytes().begin() + 12, 4, b.begin() + static_cast<long>(ip) + 12);
    std::copy_n(s.dst.bytes().begin() + 12, 4, b.begin() + static_cast<long>(ip) + 16);
  } else {
    const std::size_t ext = s.ipv6_hop_by_hop ? 8 : 0;
    const std::size_t ip = b.size();
    b.resize(ip + 40 + ext, 0);
    b[ip] = 0x60;
    put16(b, ip + 4, static_cast<std::uint16_t>(ext + l4_size));
    b[ip + 6] = s.ipv6_hop_by_hop ? 0 : static_cast<std::uint8_t>(s.protocol);
    b[ip + 7] = 64;
    std::copy_n(s.src.bytes().begin(), 16, b.begin() + static_cast<long>(ip) + 8);
    std::copy_n(s.dst.bytes().begin(), 16, b.begin() + static_cast<long>(ip) + 24);
    if (ext) {
      b[ip + 40] = static_cast<std::uint8_t>(s.protocol);
      b[ip + 42] = 1;  // PadN over the rest
      b[ip + 43] = 4;
    }
  }
  const std::size_t l4 = b.size();
  b.resize(l4 + l4_size, 0);
  put16(b, l4, 40000);
  put16(b, l4 + 2, s.dst_port);
  if (s.protocol == Protocol::kTcp) {
    b[l4 + 12] = 5 << 4;
    b[l4 + 13] = s.tcp_flags;
  } else {
    put16(b, l4 + 4, static_cast<std::uint16_t>(l4_size));
  }
  return b;
}

const Address kServer4 = *Address::parse("198.18.0.1");
const Address kClient4 = *Address::parse("198.18.0.2");
const Address kServer6 = *Address::parse("2001:2::1");
const Address kClient6 = *Address::parse("2001:2::2");
const Address kTarget4 = *Address::parse("198.18.5.5");
const Address kElsewhere4 = *Address::parse("198.19.0.9");
const Address kElsewhere6 = *Address::parse("2001:2::99");

KnockStep tcp(std::uint16_t port) { return {Protocol::kTcp, port}; }
KnockStep udp(std::uint16_t port) { return {Protocol::kUdp, port}; }

Door door(std::vector<KnockStep> seq, TcpFlagRule flags = {tcp_flag::kSyn, 0},
          std::optional<Address> target = std::nullopt) {
  return Door{"d", std::move(seq), 5, flags, target};
}

// The matcher's verdict on a frame: what the filter must never drop.
bool relevant(const Matcher& m, std::span<const std::uint8_t> f) {
  const auto knock = parse_frame(f);
  return knock && m.classify(*knock) != kIrrelevant;
}

// knockd's rules unless a test says otherwise: the robust ones add the scan guard's SYNs.
struct Doors {
  std::vector<Door> doors;
  std::vector<Address> local{kServer4, kServer6};
  bool ipv4_only = false;
  MatchingRules rules = MatchingRules::kKnockd;

  // As sesamed builds it: SYNs pass when the matcher's scan guard needs them.
  KnockFilter filter() const {
    const auto m = Matcher::build(doors, local, rules);
    auto f = knock_filter(doors, local, ipv4_only, m && m->scan_guard());
    EXPECT_TRUE(f.has_value());
    EXPECT_TRUE(valid(f->program));
    EXPECT_TRUE(valid(f->ip_program));
    return *f;
  }
  Matcher matcher() const { return *Matcher::build(doors, local, rules); }
};

// ---- Real captures ----

std::vector<Bytes> read_capture(const std::string& name) {
  const std::string path = std::string(SESAME_CAPTURES) + "/" + name;
  char error[PCAP_ERRBUF_SIZE];
  pcap_t* pcap = pcap_open_offline(path.c_str(), error);
  EXPECT_NE(pcap, nullptr) << error;
  std::vector<Bytes> frames;
  if (!pcap) return frames;
  pcap_pkthdr* header = nullptr;
  const std::uint8_t* data = nullptr;
  while (pcap_next_ex(pcap, &header, &data) == 1) frames.emplace_back(data, data + header->caplen);
  pcap_close(pcap);
  return frames;
}

// The capture's knocks as doors; its frames pass exactly when the matcher finds them
// relevant (replies, ICMP and neighbour discovery stay in the kernel).
TEST(KnockFilter, PassesExactlyTheKnocksOfTheRealClientCapture) {
  const Doors s{.doors = {door({tcp(7000), tcp(8000), tcp(9000)}),
                          door({udp(7001), udp(8001), udp(9001)}),
                          door({udp(7002), tcp(8002), tcp(9002)})}};
  const KnockFilter filter = s.filter();
  EXPECT_TRUE(filter.checks_ports);
  const Matcher m = s.matcher();
  const auto frames = read_capture("knock-client.pcap");
  ASSERT_EQ(frames.size(), 42u);
  int passed = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(passes(filter, frames[i]), relevant(m, frames[i])) << "frame " << i;
    passed += passes(filter, frames[i]);
  }
  EXPECT_EQ(passed, 14);  // 9 IPv4 knocks, 3 TCP and 2 UDP over IPv6
}

TEST(KnockFilter, WithIpv4OnlyDropsTheCapturesIpv6Knocks) {
  const Doors s{.doors = {door({tcp(7000), tcp(8000), tcp(9000)}), door({udp(7001), udp(8001)})},
                .ipv4_only = true};
  const KnockFilter filter = s.filter();
  int passed = 0;
  for (const Bytes& f : read_capture("knock-client.pcap")) {
    if (passes(filter, f)) {
      ++passed;
      EXPECT_TRUE(parse_frame(f)->src.is_v4());
    }
  }
  EXPECT_EQ(passed, 5);
}

// ---- The rules, one by one ----

TEST(KnockFilter, DropsFramesTheKernelMarksOutgoing) {
  const KnockFilter filter = Doors{.doors = {door({tcp(7000)})}}.filter();
  const Bytes f = frame({kClient4, kServer4, Protocol::kTcp, 7000});
  EXPECT_TRUE(passes(filter, f));
  EXPECT_FALSE(passes(filter, f, PACKET_OUTGOING));
}

TEST(KnockFilter, ChecksTheDestinationAgainstLocalAddressesOrTheTarget) {
  const KnockFilter filter =
      Doors{.doors = {door({tcp(7000)}), door({tcp(8000)}, {tcp_flag::kSyn, 0}, kTarget4)}}.filter();
  EXPECT_TRUE(passes(filter, frame({kClient4, kServer4, Protocol::kTcp, 7000})));
  EXPECT_TRUE(passes(filter, frame({kClient6, kServer6, Protocol::kTcp, 7000})));
  EXPECT_TRUE(passes(filter, frame({kClient4, kTarget4, Protocol::kTcp, 8000})));
  EXPECT_FALSE(passes(filter, frame({kClient4, kElsewhere4, Protocol::kTcp, 7000})));
  EXPECT_FALSE(passes(filter, frame({kClient6, kElsewhere6, Protocol::kTcp, 7000})));
}

TEST(KnockFilter, ChecksProtocolAndPort) {
  const KnockFilter filter = Doors{.doors = {door({tcp(7000), udp(8000)})}}.filter();
  EXPECT_TRUE(passes(filter, frame({kClient4, kServer4, Protocol::kUdp, 8000})));
  EXPECT_FALSE(passes(filter, frame({kClient4, kServer4, Protocol::kUdp, 7000})));
  EXPECT_FALSE(passes(filter, frame({kClient4, kServer4, Protocol::kTcp, 8000})));
  EXPECT_FALSE(passes(filter, frame({kClient4, kServer4, Protocol::kTcp, 7001})));
  EXPECT_TRUE(passes(filter, frame({kClient6, kServer6, Protocol::kUdp, 8000})));
  EXPECT_FALSE(passes(filter, frame({kClient6, kServer6, Protocol::kTcp, 8000})));
}

TEST(KnockFilter, ChecksTcpFlagsPerPortAgainstEveryDoorKnockingIt) {
  const KnockFilter filter =
      Doors{.doors = {door({tcp(7000), tcp(8000)}, {tcp_flag::kSyn, tcp_flag::kAck}),
                      door({tcp(8000), tcp(9000)}, {tcp_flag::kFin, 0}),
                      door({tcp(9500)}, {0, 0})}}
          .filter();
  auto tcp_frame = [](std::uint16_t port, std::uint8_t flags) {
    return frame({kClient4, kServer4, Protocol::kTcp, port, flags});
  };
  EXPECT_TRUE(passes(filter, tcp_frame(7000, tcp_flag::kSyn)));
  EXPECT_FALSE(passes(filter, tcp_frame(7000, tcp_flag::kSyn | tcp_flag::kAck)));
  EXPECT_FALSE(passes(filter, tcp_frame(7000, tcp_flag::kFin)));
  EXPECT_TRUE(passes(filter, tcp_frame(8000, tcp_flag::kSyn)));
  EXPECT_TRUE(passes(filter, tcp_frame(8000, tcp_flag::kFin | tcp_flag::kAck)));
  EXPECT_FALSE(passes(filter, tcp_frame(8000, tcp_flag::kRst)));
  EXPECT_FALSE(passes(filter, tcp_frame(9000, tcp_flag::kSyn)));
  EXPECT_TRUE(passes(filter, tcp_frame(9500, 0)));
  EXPECT_TRUE(passes(filter, tcp_frame(9500, 0x3f)));
}

TEST(KnockFilter, DropsPortsOfDoorsWhoseFlagRuleNoPacketSatisfies) {
  const KnockFilter filter =
      Doors{.doors = {door({tcp(7000)}, {tcp_flag::kSyn, tcp_flag::kSyn}), door({udp(1)})}}.filter();
  for (unsigned flags = 0; flags < 64; ++flags)
    EXPECT_FALSE(passes(filter, frame({kClient4, kServer4, Protocol::kTcp, 7000,
                                       static_cast<std::uint8_t>(flags)})));
}

TEST(KnockFilter, FollowsIpv4OptionsAndDropsNonFirstFragments) {
  const KnockFilter filter = Doors{.doors = {door({tcp(7000)})}}.filter();
  FrameSpec s{kClient4, kServer4, Protocol::kTcp, 7000};
  for (std::uint8_t words = 0; words <= 10; ++words) {
    s.ipv4_option_words = words;
    EXPECT_TRUE(passes(filter, frame(s))) << int{words};
  }
  s.ipv4_fragment = 0x2000;  // more fragments, offset 0: a first fragment may be a knock
  EXPECT_TRUE(passes(filter, frame(s)));
  s.ipv4_fragment = 0x2001;
  EXPECT_FALSE(passes(filter, frame(s)));
  s.ipv4_fragment = 0x0100;
  EXPECT_FALSE(passes(filter, frame(s)));
}

TEST(KnockFilter, PassesIpv6ExtensionHeadersToALocalDestinationForTheParser) {
  const KnockFilter filter = Doors{.doors = {door({tcp(7000)})}}.filter();
  EXPECT_TRUE(passes(filter, frame({.src = kClient6, .dst = kServer6, .dst_port = 7000, .ipv6_hop_by_hop = true})));
  // Even on another port: the filter does not walk the chain.
  EXPECT_TRUE(passes(filter, frame({.src = kClient6, .dst = kServer6, .dst_port = 1, .ipv6_hop_by_hop = true})));
  EXPECT_FALSE(passes(filter, frame({.src = kClient6, .dst = kElsewhere6, .dst_port = 7000, .ipv6_hop_by_hop = true})));
}

TEST(KnockFilter, PassesInBandVlanTagsForTheParser) {
  const KnockFilter filter = Doors{.doors = {door({tcp(7000)})}, .ipv4_only = true}.filter();
  EXPECT_TRUE(passes(filter, frame({.src = kClient4, .dst = kServer4, .dst_port = 7000, .vlan_in_band = true})));
  EXPECT_TRUE(passes(filter, frame({.src = kClient6, .dst = kServer6, .dst_port = 7000, .vlan_in_band = true})));
}

TEST(KnockFilter, DropsWhatIsNotIpAndCutShortFrames) {
  const KnockFilter filter = Doors{.doors = {door({tcp(7000)})}}.filter();
  Bytes arp = frame({kClient4, kServer4, Protocol::kTcp, 7000});
  put16(arp, 12, 0x0806);
  EXPECT_FALSE(passes(filter, arp));
  const Bytes whole = frame({kClient4, kServer4, Protocol::kTcp, 7000});
  for (std::size_t n = 0; n < 14 + 20 + 14; ++n)
    EXPECT_FALSE(passes(filter, std::span(whole).first(n))) << n;
}

TEST(KnockFilter, FallsBackToDestinationsOnlyWhenThePortsDoNotFit) {
  Doors s;
  for (std::uint16_t p = 1000; p < 4000; p += 30) {
    std::vector<KnockStep> seq;
    for (std::uint16_t i = 0; i < 30; ++i) seq.push_back(i % 2 ? tcp(p + i) : udp(p + i));
    s.doors.push_back(door(seq));
  }
  const KnockFilter filter = s.filter();
  EXPECT_FALSE(filter.checks_ports);
  EXPECT_TRUE(passes(filter, frame({kClient4, kServer4, Protocol::kTcp, 1})));
  EXPECT_FALSE(passes(filter, frame({kClient4, kElsewhere4, Protocol::kTcp, 1001})));
}

TEST(KnockFilter, RefusesDestinationsThatDoNotFit) {
  Doors s{.doors = {}, .local = {}};
  for (std::uint32_t i = 0; i < 1000; ++i) {
    std::array<std::uint8_t, 16> b{0x20, 0x01, 0x00, 0x02};
    b[14] = static_cast<std::uint8_t>(i >> 8);
    b[15] = static_cast<std::uint8_t>(i);
    s.doors.push_back(door({tcp(7000)}, {tcp_flag::kSyn, 0}, Address::v6(b)));
  }
  const auto filter = knock_filter(s.doors, s.local, false, false);
  ASSERT_FALSE(filter.has_value());
  EXPECT_NE(filter.error().message.find("1000 IPv6 destination addresses"), std::string::npos);
}

// The scan guard (matcher R10) needs SYNs without ACK to any port of a door's
// destination, and nothing else beyond what knockd's filter passes.
TEST(KnockFilter, PassesSynsOutsideTheDoorsOnlyForTheScanGuard) {
  Doors s{.doors = {door({tcp(7000), tcp(8000)}), door({udp(7001)})}};
  for (const MatchingRules rules : {MatchingRules::kKnockd, MatchingRules::kRobust}) {
    s.rules = rules;
    const bool guard = rules == MatchingRules::kRobust;
    const KnockFilter filter = s.filter();
    const Matcher m = s.matcher();
    for (const auto& [dst, src] : {std::pair{kServer4, kClient4}, std::pair{kServer6, kClient6}}) {
      const Bytes syn = frame({src, dst, Protocol::kTcp, 22, tcp_flag::kSyn});
      EXPECT_EQ(passes(filter, syn), guard);
      EXPECT_EQ(relevant(m, syn), guard);
      EXPECT_EQ(passes(filter, frame({src, dst, Protocol::kTcp, 22, tcp_flag::kSyn | tcp_flag::kPsh})), guard);
      for (const Bytes& f : {frame({src, dst, Protocol::kTcp, 22, tcp_flag::kSyn | tcp_flag::kAck}),
                             frame({src, dst, Protocol::kTcp, 22, tcp_flag::kAck}),
                             frame({src, dst, Protocol::kTcp, 22, tcp_flag::kRst}),
                             frame({src, dst, Protocol::kUdp, 22, 0}),
                             frame({src, src.is_v4() ? kElsewhere4 : kElsewhere6, Protocol::kTcp, 22,
                                    tcp_flag::kSyn})}) {
        EXPECT_FALSE(passes(filter, f));
        EXPECT_FALSE(relevant(m, f));
      }
      EXPECT_TRUE(passes(filter, frame({src, dst, Protocol::kTcp, 7000, tcp_flag::kSyn})));
    }
  }
  for (Door& d : s.doors) d.scan_guard = 0;  // no guarded door: knockd's filter
  EXPECT_FALSE(passes(s.filter(), frame({kClient4, kServer4, Protocol::kTcp, 22, tcp_flag::kSyn})));
}

// R1 as a property: whatever the doors, no frame the matcher would act on is dropped.
TEST(KnockFilter, NeverDropsARelevantFrameOfRandomDoors) {
  std::mt19937 rng(20240601);
  const std::vector<Address> addresses = {kServer4, kServer6, kTarget4, kElsewhere4, kElsewhere6,
                                          *Address::parse("2001:2::5")};
  const std::vector<std::uint16_t> ports = {1, 7000, 7001, 8000, 8001, 9000, 65535};
  auto pick = [&](const auto& v) { return v[rng() % v.size()]; };
  int relevant_seen = 0;
  for (int round = 0; round < 300; ++round) {
    Doors s;
    s.ipv4_only = rng() % 4 == 0;
    s.rules = rng() % 2 ? MatchingRules::kRobust : MatchingRules::kKnockd;
    const int door_count = 1 + static_cast<int>(rng() % 4);
    for (int d = 0; d < door_count; ++d) {
      std::vector<KnockStep> seq;
      const int len = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < len; ++i) seq.push_back(rng() % 2 ? tcp(pick(ports)) : udp(pick(ports)));
      const TcpFlagRule flags{static_cast<std::uint8_t>(rng() & rng() & 0x3f),
                              static_cast<std::uint8_t>(rng() & rng() & 0x3f)};
      std::optional<Address> target;
      if (rng() % 3 == 0) target = pick(addresses);
      s.doors.push_back(Door{str_cat("d", std::to_string(d)), seq, 5, flags, target,
                             static_cast<std::uint8_t>(rng() % (kMaxScanGuard + 1))});
    }
    auto matcher = Matcher::build(s.doors, s.local, s.rules);
    if (!matcher) continue;  // sequences that are prefixes of each other, say
    const KnockFilter filter = s.filter();
    for (int i = 0; i < 400; ++i) {
      const Address src = rng() % 2 ? kClient4 : kClient6;
      std::vector<Address> same_family;
      for (const Address& a : addresses)
        if (a.is_v4() == src.is_v4()) same_family.push_back(a);
      FrameSpec spec{src, pick(same_family), rng() % 2 ? Protocol::kTcp : Protocol::kUdp, pick(ports),
                     static_cast<std::uint8_t>(rng() & 0x3f)};
      if (src.is_v4()) spec.ipv4_option_words = static_cast<std::uint8_t>(rng() % 3);
      if (src.is_v4() && rng() % 8 == 0) spec.ipv4_fragment = static_cast<std::uint16_t>(rng() & 0x3fff);
      if (!src.is_v4()) spec.ipv6_hop_by_hop = rng() % 4 == 0;
      spec.vlan_in_band = rng() % 8 == 0;
      const Bytes f = frame(spec);
      const bool must_pass = relevant(*matcher, f) && !(s.ipv4_only && !src.is_v4());
      relevant_seen += must_pass;
      if (must_pass) {
        EXPECT_TRUE(passes(filter, f)) << "round " << round << " frame " << i;
      }
    }
  }
  EXPECT_GT(relevant_seen, 1000);  // the property was exercised
}

// ---- Frames that start at the IP header (tun, WireGuard, ppp) ----

// The matcher's verdict on a packet of a link with no link header.
bool relevant_ip_first(const Matcher& m, std::span<const std::uint8_t> p) {
  const auto knock = parse_ip_packet(p);
  return knock && m.classify(*knock) != kIrrelevant;
}

TEST(KnockFilterIpFirst, PassesExactlyTheKnocksOfTheRealClientCapture) {
  const Doors s{.doors = {door({tcp(7000), tcp(8000), tcp(9000)}),
                          door({udp(7001), udp(8001), udp(9001)}),
                          door({udp(7002), tcp(8002), tcp(9002)})}};
  const KnockFilter filter = s.filter();
  const Matcher m = s.matcher();
  int passed = 0;
  for (const Bytes& f : read_capture("knock-client.pcap")) {
    const std::span<const std::uint8_t> packet = std::span(f).subspan(14);
    EXPECT_EQ(passes_ip_first(filter, packet), relevant_ip_first(m, packet));
    passed += passes_ip_first(filter, packet);
  }
  EXPECT_EQ(passed, 14);  // as over Ethernet
}

TEST(KnockFilterIpFirst, ChecksPortsFlagsDestinationsAndDirection) {
  const KnockFilter filter =
      Doors{.doors = {door({tcp(7000), udp(8000)}), door({tcp(7100)}, {0, 0}, kTarget4)}}.filter();
  auto packet = [](const FrameSpec& spec) {
    const Bytes f = frame(spec);
    return Bytes(f.begin() + 14, f.end());
  };
  EXPECT_TRUE(passes_ip_first(filter, packet({kClient4, kServer4, Protocol::kTcp, 7000})));
  EXPECT_TRUE(passes_ip_first(filter, packet({kClient6, kServer6, Protocol::kTcp, 7000})));
  EXPECT_TRUE(passes_ip_first(filter, packet({kClient4, kServer4, Protocol::kUdp, 8000, 0})));
  EXPECT_TRUE(passes_ip_first(filter, packet({kClient4, kTarget4, Protocol::kTcp, 7100, tcp_flag::kAck})));
  // What the Ethernet program drops, this one drops too: another port, flags the doors
  // refuse, another destination, a non-first fragment, an outgoing packet.
  EXPECT_FALSE(passes_ip_first(filter, packet({kClient4, kServer4, Protocol::kTcp, 22})));
  EXPECT_FALSE(passes_ip_first(filter, packet({kClient6, kServer6, Protocol::kUdp, 7000, 0})));
  EXPECT_FALSE(passes_ip_first(filter, packet({kClient4, kServer4, Protocol::kTcp, 7000, tcp_flag::kAck})));
  EXPECT_FALSE(passes_ip_first(filter, packet({kClient4, kElsewhere4, Protocol::kTcp, 7000})));
  EXPECT_FALSE(passes_ip_first(filter, packet({kClient4, kServer4, Protocol::kTcp, 7000, tcp_flag::kSyn, 0, 0x10})));
  EXPECT_FALSE(passes_ip_first(filter, packet({kClient4, kServer4, Protocol::kTcp, 7000}), PACKET_OUTGOING));
  // IPv4 options move the ports; the program follows the header length.
  EXPECT_TRUE(passes_ip_first(filter, packet({.src = kClient4, .dst = kServer4, .dst_port = 7000,
                                              .ipv4_option_words = 2})));
  // Not IP (version 0, 5), and every cut-short packet.
  Bytes other = packet({kClient4, kServer4, Protocol::kTcp, 7000});
  other[0] = 0x05;
  EXPECT_FALSE(passes_ip_first(filter, other));
  other[0] = 0x55;
  EXPECT_FALSE(passes_ip_first(filter, other));
  const Bytes whole = packet({kClient4, kServer4, Protocol::kTcp, 7000});
  for (std::size_t n = 0; n < 20 + 14; ++n) EXPECT_FALSE(passes_ip_first(filter, std::span(whole).first(n))) << n;
}

// R1 for IP-first rings: on random doors and packets, the IP-first program passes what
// the Ethernet program passes for the same packet in an Ethernet frame, so it never
// drops a packet the matcher would act on either (KnockFilter.NeverDrops... above).
TEST(KnockFilterIpFirst, AgreesWithTheEthernetProgramOnRandomDoorsAndPackets) {
  std::mt19937 rng(20261125);
  const std::vector<Address> addresses = {kServer4, kServer6, kTarget4, kElsewhere4, kElsewhere6};
  const std::vector<std::uint16_t> ports = {1, 7000, 7001, 8000, 9000};
  auto pick = [&](const auto& v) { return v[rng() % v.size()]; };
  int passed = 0;
  for (int round = 0; round < 200; ++round) {
    Doors s;
    s.ipv4_only = rng() % 4 == 0;
    s.rules = rng() % 2 ? MatchingRules::kRobust : MatchingRules::kKnockd;
    for (int d = 0; d < 1 + static_cast<int>(rng() % 3); ++d) {
      std::vector<KnockStep> seq;
      for (int i = 0; i < 1 + static_cast<int>(rng() % 3); ++i)
        seq.push_back(rng() % 2 ? tcp(pick(ports)) : udp(pick(ports)));
      std::optional<Address> target;
      if (rng() % 3 == 0) target = pick(addresses);
      s.doors.push_back(Door{str_cat("d", std::to_string(d)), seq, 5,
                             TcpFlagRule{static_cast<std::uint8_t>(rng() & rng() & 0x3f),
                                         static_cast<std::uint8_t>(rng() & rng() & 0x3f)},
                             target, static_cast<std::uint8_t>(rng() % (kMaxScanGuard + 1))});
    }
    if (!Matcher::build(s.doors, s.local, s.rules)) continue;
    const KnockFilter filter = s.filter();
    for (int i = 0; i < 200; ++i) {
      const Address src = rng() % 2 ? kClient4 : kClient6;
      std::vector<Address> same_family;
      for (const Address& a : addresses)
        if (a.is_v4() == src.is_v4()) same_family.push_back(a);
      FrameSpec spec{src, pick(same_family), rng() % 2 ? Protocol::kTcp : Protocol::kUdp, pick(ports),
                     static_cast<std::uint8_t>(rng() & 0x3f)};
      if (src.is_v4()) spec.ipv4_option_words = static_cast<std::uint8_t>(rng() % 3);
      if (src.is_v4() && rng() % 8 == 0) spec.ipv4_fragment = static_cast<std::uint16_t>(rng() & 0x3fff);
      if (!src.is_v4()) spec.ipv6_hop_by_hop = rng() % 4 == 0;
      const Bytes f = frame(spec);
      const bool ethernet = passes(filter, f);
      EXPECT_EQ(passes_ip_first(filter, std::span(f).subspan(14)), ethernet) << "round " << round << " packet " << i;
      passed += ethernet;
    }
  }
  EXPECT_GT(passed, 1000);  // both verdicts were exercised
}

// ---- Fanout ----

TEST(FanoutProgram, IsValidAndKeysOnTheSourceAlone) {
  const auto prog = fanout_program(0x9e3779b1);
  ASSERT_TRUE(valid(prog));
  for (const Address& src : {kClient4, kClient6}) {
    const Address dst = src.is_v4() ? kServer4 : kServer6;
    const std::uint32_t first = fanout(prog, frame({src, dst, Protocol::kTcp, 7000}));
    for (std::uint16_t port : {std::uint16_t{1}, std::uint16_t{8000}, std::uint16_t{65535}}) {
      EXPECT_EQ(fanout(prog, frame({src, dst, Protocol::kTcp, port})), first);
      EXPECT_EQ(fanout(prog, frame({src, dst, Protocol::kUdp, port})), first);
      EXPECT_EQ(fanout(prog, frame({src, kElsewhere6, Protocol::kUdp, port})), first);
    }
    EXPECT_EQ(fanout(prog, frame({.src = src, .dst = dst, .dst_port = 1, .vlan_in_band = true})), first);
  }
  EXPECT_NE(fanout(prog, frame({kClient4, kServer4})), fanout(prog, frame({kServer4, kClient4})));
}

TEST(FanoutProgram, KeepsTheRealClientsKnocksTogether) {
  const auto prog = fanout_program(0x12345679);
  std::set<std::uint32_t> per_source[2];
  for (const Bytes& f : read_capture("knock-client.pcap")) {
    const auto k = parse_frame(f);
    if (!k || (k->src != kClient4 && k->src != kClient6)) continue;
    per_source[k->src == kClient6].insert(fanout(prog, f));
  }
  EXPECT_EQ(per_source[0].size(), 1u);
  EXPECT_EQ(per_source[1].size(), 1u);
}

TEST(FanoutProgram, SpreadsSourcesEvenlyAndDependsOnTheMultiplier) {
  constexpr std::uint32_t kWorkers = 4;
  std::mt19937 rng(7);
  const auto a = fanout_program(0x9e3779b1), b = fanout_program(0x85ebca6b);
  for (bool v6 : {false, true}) {
    std::array<int, kWorkers> load{};
    int moved = 0;
    // Sources a spoofer would pick: consecutive addresses.
    for (std::uint32_t i = 0; i < 4000; ++i) {
      std::array<std::uint8_t, 16> bytes{0x20, 0x01, 0x00, 0x02};
      bytes[12] = static_cast<std::uint8_t>(rng());
      bytes[14] = static_cast<std::uint8_t>(i >> 8);
      bytes[15] = static_cast<std::uint8_t>(i);
      const Address src = v6 ? Address::v6(bytes) : Address::v4(0xc6120000u + i * kWorkers);
      const Bytes f = frame({src, v6 ? kServer6 : kServer4, Protocol::kTcp, 7000});
      ++load[fanout(a, f) % kWorkers];
      moved += fanout(a, f) % kWorkers != fanout(b, f) % kWorkers;
    }
    for (int n : load) EXPECT_NEAR(n, 1000, 150) << (v6 ? "IPv6" : "IPv4");
    EXPECT_GT(moved, 2000);
  }
}

TEST(FanoutProgram, SendsWhatIsNotIpToTheFirstMember) {
  const auto prog = fanout_program(3);
  Bytes arp = frame({kClient4, kServer4});
  put16(arp, 12, 0x0806);
  EXPECT_EQ(fanout(prog, arp), 0u);
}

}  // namespace
}  // namespace sesame
