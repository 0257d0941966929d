// The helper message: round trips, and every malformed form refused for its reason.
#include "core/ipc.h"

#include <gtest/gtest.h>

#include <vector>

namespace sesame {
namespace {

MatchReport v4_report() { return {.door = 3, .source = *Address::parse("198.18.0.2")}; }
MatchReport v6_report() { return {.door = 0x01020304, .source = *Address::parse("2001:2::2")}; }

TEST(Ipc, LayoutIsAsDrawn) {
  const IpcMessage m = encode_match(v4_report());
  const std::vector<std::uint8_t> expected{1, 1, 4, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0,
                                           0, 0, 0xff, 0xff, 198, 18, 0, 2};
  EXPECT_EQ(std::vector<std::uint8_t>(m.begin(), m.end()), expected);
  EXPECT_EQ(encode_match(v6_report())[2], 6);
}

TEST(Ipc, TypeByteIsReadWhereEveryMessageCarriesIt) {
  const IpcMessage m = encode_match(v4_report());
  EXPECT_EQ(ipc_type_byte(m), std::to_underlying(IpcType::kMatch));
  EXPECT_EQ(ipc_type_byte(std::span(m).first(2)), std::to_underlying(IpcType::kMatch));
  EXPECT_EQ(ipc_type_byte(std::span(m).first(1)), std::nullopt);
  EXPECT_EQ(ipc_type_byte({}), std::nullopt);
}

TEST(Ipc, RoundTrips) {
  for (const MatchReport& r : {v4_report(), v6_report()}) {
    const IpcMessage m = encode_match(r);
    auto back = decode_match(m);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, r);
  }
}

TEST(Ipc, EveryOtherSizeIsRefused) {
  const IpcMessage m = encode_match(v4_report());
  std::vector<std::uint8_t> bytes(m.begin(), m.end());
  for (std::size_t n = 0; n < bytes.size(); ++n)
    EXPECT_EQ(decode_match(std::span(bytes).first(n)).error(), IpcReject::kSize) << n;
  bytes.push_back(0);
  EXPECT_EQ(decode_match(bytes).error(), IpcReject::kSize);
}

TEST(Ipc, EachHeaderFieldIsChecked) {
  auto with = [](std::size_t at, std::uint8_t value) {
    IpcMessage m = encode_match(v4_report());
    m[at] = value;
    return decode_match(m);
  };
  EXPECT_EQ(with(0, 0).error(), IpcReject::kVersion);
  EXPECT_EQ(with(0, 2).error(), IpcReject::kVersion);
  EXPECT_EQ(with(1, 0).error(), IpcReject::kType);
  EXPECT_EQ(with(1, 2).error(), IpcReject::kType);
  EXPECT_EQ(with(2, 5).error(), IpcReject::kFamily);
  EXPECT_EQ(with(3, 1).error(), IpcReject::kReserved);
  // Family 6 with an IPv4-mapped address, and family 4 with an IPv6 address.
  EXPECT_EQ(with(2, 6).error(), IpcReject::kAddress);
  IpcMessage m = encode_match(v6_report());
  m[2] = 4;
  EXPECT_EQ(decode_match(m).error(), IpcReject::kAddress);
}

TEST(Ipc, EveryBitFlipIsRefusedOrDecodesToWhatItSays) {
  for (const MatchReport& r : {v4_report(), v6_report()}) {
    const IpcMessage good = encode_match(r);
    for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
      IpcMessage m = good;
      m[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      if (auto back = decode_match(m)) {
        EXPECT_EQ(encode_match(*back), m) << bit;
      }
    }
  }
}

}  // namespace
}  // namespace sesame
