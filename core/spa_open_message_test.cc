#include "core/spa_open_message.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

SpaOpenReport report() {
  SpaOpenReport r;
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

TEST(SpaOpenMessage, RejectsEveryMalformation) {
  const SpaOpenMessage good = encode_spa_open(report());
  auto with = [&](std::size_t at, std::uint8_t value) {
    SpaOpenMessage m = good;
    m[at] = value;
    return decode_spa_open(m).error();
  };
  EXPECT_EQ(decode_spa_open(std::span(good).first(135)).error(), IpcReject::kSize);
  EXPECT_EQ(with(0, 9), IpcReject::kVersion);
  EXPECT_EQ(with(1, 1), IpcReject::kType);
  EXPECT_EQ(with(2, 5), IpcReject::kFamily);
  EXPECT_EQ(with(2, 4), IpcReject::kAddress);  // an IPv6 address sent as IPv4
  EXPECT_EQ(with(3, 1), IpcReject::kReserved);
  EXPECT_EQ(with(29, 1), IpcReject::kReserved);
  EXPECT_EQ(with(28, 0), IpcReject::kPorts);   // no port
  EXPECT_EQ(with(28, 17), IpcReject::kPorts);  // more than 16
  EXPECT_EQ(with(32, 1), IpcReject::kPorts);   // ICMP
  EXPECT_EQ(with(33, 1), IpcReject::kPorts);   // a reserved byte in a port entry
  EXPECT_EQ(with(40, 6), IpcReject::kPorts);   // an entry past the count
}

}  // namespace
}  // namespace sesame
