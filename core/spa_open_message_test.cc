#include "core/spa_open_message.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

namespace sesame {
namespace {

SpaOpenReport report() {
  SpaOpenReport r;
  r.generation = 0xa1b2c3d4;
  r.door = 7;
  r.address = *Address::parse("2001:2::2");
  r.ports = {{Protocol::kTcp, 22}, {Protocol::kUdp, 53}};
  r.seconds = 30;
  r.digest[0] = 0xab;
  r.digest[31] = 0xcd;
  r.replay_until = 1795529080;
  return r;
}

TEST(SpaOpenMessage, RoundTrips) {
  for (const char* a : {"198.18.0.2", "2001:2::2"}) {
    SpaOpenReport r = report();
    r.address = *Address::parse(a);
    const SpaOpenMessage m = encode_spa_open(r);
    EXPECT_EQ(m[1], 2);  // the wire type
    EXPECT_EQ(decode_spa_open(m), r);
  }
}

// The common header (version 2, type 2, family, 0, generation), then the door, the
// address, the time, the port count and the first entries.
TEST(SpaOpenMessage, LayoutIsAsDrawn) {
  const SpaOpenMessage m = encode_spa_open(report());
  const std::vector<std::uint8_t> head{2, 2, 6, 0, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0, 7,
                                       0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
                                       0, 0, 0, 30, 2, 0, 0, 0, 6, 0, 0, 22, 17, 0, 0, 53, 0, 0, 0, 0};
  EXPECT_EQ(std::vector<std::uint8_t>(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(head.size())), head);
  EXPECT_EQ(m[100], 0xab);  // the digest starts after the 16 port entries
  EXPECT_EQ(m[131], 0xcd);
  const std::vector<std::uint8_t> until{0, 0, 0, 0, 0x6b, 0x05, 0x99, 0x78};  // 1795529080
  EXPECT_EQ(std::vector<std::uint8_t>(m.end() - 8, m.end()), until);
}

TEST(SpaOpenMessage, RejectsEveryMalformation) {
  const SpaOpenMessage good = encode_spa_open(report());
  auto with = [&](std::size_t at, std::uint8_t value) {
    SpaOpenMessage m = good;
    m[at] = value;
    return decode_spa_open(m).error();
  };
  EXPECT_EQ(decode_spa_open(std::span(good).first(139)).error(), IpcReject::kSize);
  EXPECT_EQ(with(0, 9), IpcReject::kVersion);
  EXPECT_EQ(with(1, 1), IpcReject::kType);
  EXPECT_EQ(with(2, 5), IpcReject::kFamily);
  EXPECT_EQ(with(2, 4), IpcReject::kAddress);  // an IPv6 address sent as IPv4
  EXPECT_EQ(with(3, 1), IpcReject::kReserved);
  EXPECT_EQ(with(33, 1), IpcReject::kReserved);
  EXPECT_EQ(with(32, 0), IpcReject::kPorts);   // no port
  EXPECT_EQ(with(32, 17), IpcReject::kPorts);  // more than 16
  EXPECT_EQ(with(36, 1), IpcReject::kPorts);   // ICMP
  EXPECT_EQ(with(37, 1), IpcReject::kPorts);   // a reserved byte in a port entry
  EXPECT_EQ(with(44, 6), IpcReject::kPorts);   // an entry past the count
}

}  // namespace
}  // namespace sesame
