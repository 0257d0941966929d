// packet_line: what -D logs per frame, formatted values only.
#include "daemon/sniffer/packet_line.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(PacketLine, TcpWithFlagsAndUdpOverIpv6) {
  const std::uint8_t payload[] = {'%', 'n', '\n', 0};
  Knock tcp{.src = *Address::parse("198.18.0.2"), .dst = *Address::parse("198.18.0.1"), .protocol = Protocol::kTcp,
            .dst_port = 7000, .src_port = 40000, .tcp_flags = tcp_flag::kSyn | tcp_flag::kAck, .payload = {},
            .vlan_id = 0};
  EXPECT_EQ(packet_line("eth0", tcp), "packet on eth0: tcp 198.18.0.2:40000 -> 198.18.0.1:7000 flags syn,ack");
  tcp.tcp_flags = 0;
  EXPECT_EQ(packet_line("eth0", tcp), "packet on eth0: tcp 198.18.0.2:40000 -> 198.18.0.1:7000 flags none");
  const Knock udp{.src = *Address::parse("2001:2::2"), .dst = *Address::parse("2001:2::1"),
                  .protocol = Protocol::kUdp, .dst_port = 9000, .src_port = 53, .tcp_flags = 0,
                  .payload = payload, .vlan_id = 0};
  // The payload never shows.
  EXPECT_EQ(packet_line("tun0", udp), "packet on tun0: udp [2001:2::2]:53 -> [2001:2::1]:9000");
}

}  // namespace
}  // namespace sesame
