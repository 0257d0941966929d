// Classic BPF programs built from the doors: the socket filter that lets only frames
// that may be knocks reach user space, and the fanout program that keeps every frame
// of one source on one worker.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/door.h"

namespace sesame {

// What the socket filter returns for a frame it passes: the snap length, so the whole
// frame (a truncated one would fail parse_frame's length checks).
inline constexpr std::uint32_t kBpfWholeFrame = 0xffffffff;

struct BpfError {
  std::string message;
};

struct KnockFilter {
  std::vector<sock_filter> program;
  // The same checks for frames that start at the IP header (tun, WireGuard, ppp: no
  // link header), told apart by the IP version in the first byte.
  std::vector<sock_filter> ip_program;
  // False when the doors have too many knock ports for BPF_MAXINSNS: the program then
  // checks protocols and destinations only and lets every port through.
  bool checks_ports = true;
};

// The SO_ATTACH_FILTER program for an AF_PACKET SOCK_RAW socket on an Ethernet device
// (it sees the frame from the destination MAC; a VLAN tag the NIC stripped is not in
// it). It passes a superset of the frames the matcher built from the same doors and
// local addresses finds relevant (matcher.h, R1), so no knock is lost in the kernel:
//  - frames the kernel marks outgoing are dropped;
//  - IPv4: a non-first fragment is dropped; otherwise the destination must be a door's
//    target or, for a door without one, a local address; TCP or UDP (options skipped
//    by the header length); the destination port one of that protocol's knock ports;
//    for TCP, the flags must satisfy the TCPFlags rule of some door knocking that port,
//    or, with `pass_syns` (the matcher's scan guard, R10), be SYN without ACK;
//  - IPv6 with TCP or UDP as the first next header: the same checks at fixed offsets;
//    with an extension header first (hop-by-hop, routing, fragment, destination
//    options), only the destination is checked and parse_frame bounds the rest;
//    `ipv4_only` drops all IPv6;
//  - a frame whose EtherType is a VLAN TPID (a tag left in band) passes: the parser
//    bounds the stack.
// ip_program applies the same rules to a frame that starts at the IP header (as
// parse_ip_packet reads it): version 4 or 6 in the first byte's high nibble, no tags.
// Everything else is dropped (returns 0). Fails only when even the program without port
// checks exceeds BPF_MAXINSNS (hundreds of distinct destination addresses).
std::expected<KnockFilter, BpfError> knock_filter(std::span<const Door> doors,
                                                  std::span<const Address> local_addresses,
                                                  bool ipv4_only, bool pass_syns);

// The PACKET_FANOUT_CBPF program. The kernel runs it with the frame starting at the
// network header (IPv4 source at offset 12, IPv6 source at 8..23; one VLAN tag left in
// band shifts both by 4) and the EtherType in SKF_AD_PROTOCOL, and sends the frame to
// member (result % members). It hashes the source address alone, so every frame of a
// source reaches the same worker whatever its ports (PACKET_FANOUT_HASH also hashes the
// ports, which splits one knocker across workers). The hash multiplies by
// `odd_multiplier` (drawn at random at start; its low bit is forced to 1) and keeps
// the product's high bits, so a spoofer who cannot guess it cannot aim a flood at one
// worker. Frames that are not IP go to member 0; the socket filter drops them there.
std::vector<sock_filter> fanout_program(std::uint32_t odd_multiplier);

}  // namespace sesame
