// The socket filter and the fanout program, written through a small assembler whose
// labels resolve forward jumps.
//
// Socket filter layout (offsets from the Ethernet header; X holds the transport
// header's offset minus 14, so one port block serves IPv4 and IPv6; the IP-first
// program is the same with no link header, X the transport header's offset):
//
//   outgoing?                      -> drop
//   EtherType 0x0800               -> ipv4        (IP-first: version nibble 4)
//   EtherType 0x86dd               -> ipv6        (not with ipv4_only; IP-first: 6)
//   EtherType 0x8100, 0x88a8       -> accept      (tag in band: the parser judges;
//                                                  IP-first frames have none)
//   ipv4: fragment offset != 0     -> drop
//         destination not listed   -> drop
//         X = IHL * 4; protocol 6 -> tcp, 17 -> udp, else drop
//   ipv6: destination not listed   -> drop
//         X = 40; next header 6 -> tcp, 17 -> udp, 0/43/44/60 -> accept, else drop
//   tcp:  port [X+16] in a flag group -> that group's rules on flags [X+27] -> accept
//         (pass_syns) any other port   -> flags [X+27] SYN without ACK -> accept
//   udp:  port [X+16] listed        -> accept
#include "core/bpf_program.h"

#include <linux/if_packet.h>

#include <cstddef>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "core/str_cat.h"
#include "core/wire.h"

namespace sesame {
namespace {

using namespace wire;

constexpr std::uint32_t kEtherTypeOffset = 12;

// Offsets from the IP header, added to the link header's length (kEthernetHeader, or 0
// for a frame that starts at the IP header).
constexpr std::uint32_t kIpv4FlagsFragment = 6;
constexpr std::uint32_t kIpv4Protocol = 9;
constexpr std::uint32_t kIpv4Destination = 16;
constexpr std::uint32_t kIpv6NextHeader = 6;
constexpr std::uint32_t kIpv6Destination = 24;
constexpr std::uint32_t kIpv6Header = 40;
// Offsets inside the transport header, added to X and the link header's length.
constexpr std::uint32_t kDstPort = 2;
constexpr std::uint32_t kTcpFlags = 13;
// A frame with no link header: the IP version in the first byte's high nibble, as
// parse_ip_packet reads it.
constexpr std::uint32_t kIpVersionMask = 0xf0;
constexpr std::uint32_t kIpVersion4 = 0x40;
constexpr std::uint32_t kIpVersion6 = 0x60;

constexpr std::uint32_t kTcp = 6;
constexpr std::uint32_t kUdp = 17;
// The extension headers parse_frame walks (packet.cc).
constexpr std::uint32_t kIpv6ExtensionHeaders[] = {0, 43, 44, 60};

// The fanout program's frame starts at the network header.
constexpr std::uint32_t kFanoutIpv4Source = 12;
constexpr std::uint32_t kFanoutIpv6Source = 8;
// Keep the product's high half: its low bits depend only on the address's low bits,
// whatever the multiplier, so a spoofer could pick a worker with them.
constexpr std::uint32_t kFanoutHashShift = 16;

// A forward-only cBPF assembler. Conditional jumps reach at most 255 instructions, so
// they target only labels close by; anything farther goes through go() (BPF_JA).
class Assembler {
 public:
  struct Label {
    std::size_t id;
  };
  static constexpr Label kNext{static_cast<std::size_t>(-1)};

  Label label() {
    bound_.push_back(kUnbound);
    return {bound_.size() - 1};
  }
  void bind(Label l) { bound_[l.id] = code_.size(); }

  void stmt(std::uint16_t code, std::uint32_t k = 0) { code_.push_back(BPF_STMT(code, k)); }

  // To `yes` when (A op k) holds, else to `no`; both near.
  void branch(std::uint16_t op, std::uint32_t k, Label yes, Label no) {
    const std::size_t at = code_.size();
    code_.push_back(BPF_JUMP(BPF_JMP | op | BPF_K, k, 0, 0));
    if (yes.id != kNext.id) near_.push_back({at, yes, true});
    if (no.id != kNext.id) near_.push_back({at, no, false});
  }
  // To `to`, any distance.
  void go(Label to) {
    far_.push_back({code_.size(), to});
    code_.push_back(BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0));
  }
  // To `to` (any distance) when (A op k) holds, else on.
  void go_if(std::uint16_t op, std::uint32_t k, Label to) {
    const Label on = label();
    branch(op, k, kNext, on);
    go(to);
    bind(on);
  }

  std::vector<sock_filter> finish() && {
    for (const Near& n : near_) {
      const std::size_t offset = target(n.at, n.to);
      // The generator only branches to labels a few instructions ahead.
      if (offset > 0xff) std::abort();
      (n.yes ? code_[n.at].jt : code_[n.at].jf) = static_cast<std::uint8_t>(offset);
    }
    for (const Far& f : far_) code_[f.at].k = static_cast<std::uint32_t>(target(f.at, f.to));
    return std::move(code_);
  }

 private:
  static constexpr std::size_t kUnbound = static_cast<std::size_t>(-1);
  struct Near {
    std::size_t at;
    Label to;
    bool yes;
  };
  struct Far {
    std::size_t at;
    Label to;
  };

  // Jump offsets count from the instruction after the jump; only forward jumps exist.
  std::size_t target(std::size_t at, Label to) const {
    const std::size_t where = bound_[to.id];
    if (where == kUnbound || where <= at) std::abort();
    return where - at - 1;
  }

  std::vector<sock_filter> code_;
  std::vector<std::size_t> bound_;
  std::vector<Near> near_;
  std::vector<Far> far_;
};
using Label = Assembler::Label;

// A TcpFlagRule as one ordered value: must_set in the high byte.
using FlagRule = std::uint16_t;
constexpr FlagRule kAnyFlags = 0;
FlagRule flag_rule(const TcpFlagRule& r) { return static_cast<FlagRule>(r.must_set << 8 | r.must_clear); }
std::uint8_t must_set(FlagRule r) { return static_cast<std::uint8_t>(r >> 8); }
std::uint8_t must_clear(FlagRule r) { return static_cast<std::uint8_t>(r & 0xff); }

// What the filter must let through, gathered from the doors.
struct Relevant {
  std::set<std::uint32_t> ipv4_destinations;  // host order
  std::set<Address> ipv6_destinations;
  std::set<std::uint16_t> udp_ports;
  // TCP ports grouped by the set of flag rules of the doors knocking them: ports with
  // the same rules share one flag check. A group holding kAnyFlags passes any flags.
  std::map<std::set<FlagRule>, std::vector<std::uint16_t>> tcp_port_groups;
  // The scan guard's SYNs (matcher rule R10): SYN without ACK to any other TCP port.
  bool tcp_syns = false;
};

std::uint32_t ipv4_host_order(const Address& a) {
  const auto& b = a.bytes();
  return std::uint32_t{b[12]} << 24 | std::uint32_t{b[13]} << 16 | std::uint32_t{b[14]} << 8 | b[15];
}

Relevant gather(std::span<const Door> doors, std::span<const Address> local, bool pass_syns) {
  Relevant r;
  r.tcp_syns = pass_syns;
  std::map<std::uint16_t, std::set<FlagRule>> tcp_rules;
  for (const Door& d : doors) {
    if (d.sequence.empty()) continue;  // a disabled door: nothing to let through
    const std::span<const Address> destinations =
        d.target ? std::span<const Address>(&*d.target, 1) : local;
    for (const Address& a : destinations) {
      if (a.is_v4())
        r.ipv4_destinations.insert(ipv4_host_order(a));
      else
        r.ipv6_destinations.insert(a);
    }
    const FlagRule rule = flag_rule(d.tcp_flags);
    // A bit both required and forbidden: no TCP packet passes this door's flags.
    const bool satisfiable = (must_set(rule) & must_clear(rule)) == 0;
    for (const KnockStep& s : d.sequence) {
      if (s.protocol == Protocol::kUdp)
        r.udp_ports.insert(s.port);
      else if (satisfiable)
        tcp_rules[s.port].insert(rule);
    }
  }
  for (auto& [port, rules] : tcp_rules) {
    if (rules.contains(kAnyFlags)) rules = {kAnyFlags};
    r.tcp_port_groups[rules].push_back(port);
  }
  return r;
}

class FilterWriter {
 public:
  // `link`: the link header's length, kEthernetHeader or 0 (the frame starts at IP).
  FilterWriter(const Relevant& r, bool ipv4_only, bool check_ports, std::uint32_t link)
      : r_(r), ipv4_only_(ipv4_only), check_ports_(check_ports), link_(link) {}

  std::vector<sock_filter> write() && {
    const bool ipv4 = !r_.ipv4_destinations.empty();
    const bool ipv6 = !ipv4_only_ && !r_.ipv6_destinations.empty();
    const Label ipv4_frame = a_.label(), ipv6_frame = a_.label();
    a_.stmt(BPF_LD | BPF_B | BPF_ABS, static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_PKTTYPE));
    a_.go_if(BPF_JEQ, PACKET_OUTGOING, drop_);
    if (link_ == kEthernetHeader) {
      a_.stmt(BPF_LD | BPF_H | BPF_ABS, kEtherTypeOffset);
      if (ipv4) a_.go_if(BPF_JEQ, kEtherTypeIpv4, ipv4_frame);
      if (ipv6) a_.go_if(BPF_JEQ, kEtherTypeIpv6, ipv6_frame);
      a_.go_if(BPF_JEQ, kTpid8021Q, accept_);
      a_.go_if(BPF_JEQ, kTpid8021ad, accept_);
    } else {
      a_.stmt(BPF_LD | BPF_B | BPF_ABS, 0);
      a_.stmt(BPF_ALU | BPF_AND | BPF_K, kIpVersionMask);
      if (ipv4) a_.go_if(BPF_JEQ, kIpVersion4, ipv4_frame);
      if (ipv6) a_.go_if(BPF_JEQ, kIpVersion6, ipv6_frame);
    }
    a_.go(drop_);

    if (ipv4) {
      a_.bind(ipv4_frame);
      a_.stmt(BPF_LD | BPF_H | BPF_ABS, link_ + kIpv4FlagsFragment);
      a_.go_if(BPF_JSET, kIpv4FragmentOffset, drop_);
      a_.stmt(BPF_LD | BPF_W | BPF_ABS, link_ + kIpv4Destination);
      const Label listed = a_.label();
      for (std::uint32_t d : r_.ipv4_destinations) a_.go_if(BPF_JEQ, d, listed);
      a_.go(drop_);
      a_.bind(listed);
      a_.stmt(BPF_LDX | BPF_B | BPF_MSH, link_);
      a_.stmt(BPF_LD | BPF_B | BPF_ABS, link_ + kIpv4Protocol);
      dispatch_transport();
    }
    if (ipv6) {
      a_.bind(ipv6_frame);
      const Label listed = a_.label();
      for (const Address& d : r_.ipv6_destinations) match_ipv6_destination(d, listed);
      a_.go(drop_);
      a_.bind(listed);
      a_.stmt(BPF_LDX | BPF_W | BPF_IMM, kIpv6Header);
      a_.stmt(BPF_LD | BPF_B | BPF_ABS, link_ + kIpv6NextHeader);
      for (std::uint32_t h : kIpv6ExtensionHeaders) a_.go_if(BPF_JEQ, h, accept_);
      dispatch_transport();
    }
    if (check_ports_) {
      a_.bind(tcp_);
      write_tcp_ports();
      a_.bind(udp_);
      write_udp_ports();
    }
    a_.bind(drop_);
    a_.stmt(BPF_RET | BPF_K, 0);
    a_.bind(accept_);
    a_.stmt(BPF_RET | BPF_K, kBpfWholeFrame);
    return std::move(a_).finish();
  }

 private:
  // A holds the IP protocol; X the transport header's offset minus link_.
  void dispatch_transport() {
    if (!r_.tcp_port_groups.empty() || r_.tcp_syns) a_.go_if(BPF_JEQ, kTcp, check_ports_ ? tcp_ : accept_);
    if (!r_.udp_ports.empty()) a_.go_if(BPF_JEQ, kUdp, check_ports_ ? udp_ : accept_);
    a_.go(drop_);
  }

  // Four word compares; any mismatch moves on to the next address.
  void match_ipv6_destination(const Address& d, Label listed) {
    const Label next = a_.label();
    for (std::uint32_t word = 0; word < 4; ++word) {
      const auto& b = d.bytes();
      const std::uint32_t value = std::uint32_t{b[4 * word]} << 24 | std::uint32_t{b[4 * word + 1]} << 16 |
                                  std::uint32_t{b[4 * word + 2]} << 8 | b[4 * word + 3];
      a_.stmt(BPF_LD | BPF_W | BPF_ABS, link_ + kIpv6Destination + 4 * word);
      a_.branch(BPF_JEQ, value, Assembler::kNext, next);
    }
    a_.go(listed);
    a_.bind(next);
  }

  void write_tcp_ports() {
    a_.stmt(BPF_LD | BPF_H | BPF_IND, link_ + kDstPort);
    std::vector<Label> groups;
    for (const auto& [rules, ports] : r_.tcp_port_groups) {
      const bool any = rules.contains(kAnyFlags);
      groups.push_back(any ? accept_ : a_.label());
      for (std::uint16_t p : ports) a_.go_if(BPF_JEQ, p, groups.back());
    }
    if (r_.tcp_syns) {
      a_.stmt(BPF_LD | BPF_B | BPF_IND, link_ + kTcpFlags);
      a_.stmt(BPF_ALU | BPF_AND | BPF_K, tcp_flag::kSyn | tcp_flag::kAck);
      a_.go_if(BPF_JEQ, tcp_flag::kSyn, accept_);
    }
    a_.go(drop_);
    std::size_t i = 0;
    for (const auto& [rules, ports] : r_.tcp_port_groups) {
      const Label group = groups[i++];
      if (rules.contains(kAnyFlags)) continue;
      a_.bind(group);
      // (flags & (set | clear)) == set: every required bit set, every forbidden one clear.
      for (FlagRule rule : rules) {
        a_.stmt(BPF_LD | BPF_B | BPF_IND, link_ + kTcpFlags);
        a_.stmt(BPF_ALU | BPF_AND | BPF_K, must_set(rule) | must_clear(rule));
        a_.go_if(BPF_JEQ, must_set(rule), accept_);
      }
      a_.go(drop_);
    }
  }

  void write_udp_ports() {
    a_.stmt(BPF_LD | BPF_H | BPF_IND, link_ + kDstPort);
    for (std::uint16_t p : r_.udp_ports) a_.go_if(BPF_JEQ, p, accept_);
    a_.go(drop_);
  }

  const Relevant& r_;
  const bool ipv4_only_;
  const bool check_ports_;
  const std::uint32_t link_;
  Assembler a_;
  const Label drop_ = a_.label();
  const Label accept_ = a_.label();
  const Label tcp_ = a_.label();
  const Label udp_ = a_.label();
};

// h = ((w0 * m) ^ w1) * m ..., high half: every word reaches the kept bits.
void write_source_hash(Assembler& a, std::uint32_t source, std::uint32_t words, std::uint32_t multiplier) {
  for (std::uint32_t i = 0; i < words; ++i) {
    a.stmt(BPF_LD | BPF_W | BPF_ABS, source + 4 * i);
    if (i > 0) a.stmt(BPF_ALU | BPF_XOR | BPF_X);
    a.stmt(BPF_ALU | BPF_MUL | BPF_K, multiplier);
    if (i + 1 < words) a.stmt(BPF_MISC | BPF_TAX);
  }
  a.stmt(BPF_ALU | BPF_RSH | BPF_K, kFanoutHashShift);
  a.stmt(BPF_RET | BPF_A);
}

}  // namespace

std::expected<KnockFilter, BpfError> knock_filter(std::span<const Door> doors,
                                                  std::span<const Address> local_addresses,
                                                  bool ipv4_only, bool pass_syns) {
  const Relevant relevant = gather(doors, local_addresses, pass_syns);
  for (bool check_ports : {true, false}) {
    std::vector<sock_filter> program = FilterWriter(relevant, ipv4_only, check_ports, kEthernetHeader).write();
    // The IP-first program is the Ethernet one less its EtherType checks: no longer.
    if (program.size() <= BPF_MAXINSNS)
      return KnockFilter{.program = std::move(program),
                         .ip_program = FilterWriter(relevant, ipv4_only, check_ports, 0).write(),
                         .checks_ports = check_ports};
  }
  return std::unexpected(BpfError{str_cat(
      "the doors' ", std::to_string(relevant.ipv4_destinations.size()), " IPv4 and ",
      std::to_string(relevant.ipv6_destinations.size()),
      " IPv6 destination addresses do not fit in a kernel filter (", std::to_string(BPF_MAXINSNS),
      " instructions)")});
}

std::vector<sock_filter> fanout_program(std::uint32_t odd_multiplier) {
  odd_multiplier |= 1;  // an even one would lose the address's top bit
  Assembler a;
  const Label ipv4 = a.label(), ipv6 = a.label(), tagged = a.label(), tagged_ipv4 = a.label(),
              tagged_ipv6 = a.label(), other = a.label();
  a.stmt(BPF_LD | BPF_H | BPF_ABS, static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_PROTOCOL));
  a.go_if(BPF_JEQ, kEtherTypeIpv4, ipv4);
  a.go_if(BPF_JEQ, kEtherTypeIpv6, ipv6);
  a.go_if(BPF_JEQ, kTpid8021Q, tagged);
  a.go_if(BPF_JEQ, kTpid8021ad, tagged);
  a.go(other);
  // A tag left in band: the frame starts at its TCI, the inner EtherType follows.
  a.bind(tagged);
  a.stmt(BPF_LD | BPF_H | BPF_ABS, 2);
  a.go_if(BPF_JEQ, kEtherTypeIpv4, tagged_ipv4);
  a.go_if(BPF_JEQ, kEtherTypeIpv6, tagged_ipv6);
  a.go(other);
  a.bind(ipv4);
  write_source_hash(a, kFanoutIpv4Source, 1, odd_multiplier);
  a.bind(ipv6);
  write_source_hash(a, kFanoutIpv6Source, 4, odd_multiplier);
  a.bind(tagged_ipv4);
  write_source_hash(a, kVlanTag + kFanoutIpv4Source, 1, odd_multiplier);
  a.bind(tagged_ipv6);
  write_source_hash(a, kVlanTag + kFanoutIpv6Source, 4, odd_multiplier);
  a.bind(other);
  a.stmt(BPF_RET | BPF_K, 0);
  return std::move(a).finish();
}

}  // namespace sesame
