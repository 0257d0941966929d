// The helper message: round trips, and every malformed form refused for its reason.
#include "core/ipc.h"

#include <gtest/gtest.h>

#include <vector>

namespace sesame {
namespace {

MatchReport v4_report() { return {.generation = 0xa1b2c3d4, .door = 3, .source = *Address::parse("198.18.0.2")}; }
MatchReport v6_report() { return {.generation = 7, .door = 0x01020304, .source = *Address::parse("2001:2::2")}; }

TEST(Ipc, LayoutIsAsDrawn) {
  const IpcMessage m = encode_match(v4_report());
  const std::vector<std::uint8_t> expected{2, 1, 4, 0, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0, 3, 0, 0,
                                           0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 0, 2};
  EXPECT_EQ(std::vector<std::uint8_t>(m.begin(), m.end()), expected);
  EXPECT_EQ(encode_match(v6_report())[2], 6);
}

TEST(Ipc, ReloadLayoutIsTheHeaderAlone) {
  const IpcHeaderMessage request = encode_reload({.type = IpcType::kReload, .generation = 0x01020304});
  EXPECT_EQ(std::vector<std::uint8_t>(request.begin(), request.end()),
            (std::vector<std::uint8_t>{2, 5, 0, 0, 1, 2, 3, 4}));
  const IpcHeaderMessage yes =
      encode_reload({.type = IpcType::kReloadReply, .generation = 0x01020304, .accepted = true});
  EXPECT_EQ(std::vector<std::uint8_t>(yes.begin(), yes.end()), (std::vector<std::uint8_t>{2, 6, 1, 0, 1, 2, 3, 4}));
}

TEST(Ipc, ReloadRoundTripsAndEachFieldIsChecked) {
  for (const ReloadMessage& m : {ReloadMessage{.type = IpcType::kReload, .generation = 9},
                                 ReloadMessage{.type = IpcType::kReloadReply, .generation = 9, .accepted = true},
                                 ReloadMessage{.type = IpcType::kReloadReply, .generation = 9}}) {
    const IpcHeaderMessage bytes = encode_reload(m);
    EXPECT_EQ(decode_reload(bytes, m.type), m);
    // A request is not an answer, nor an answer a request.
    EXPECT_EQ(decode_reload(bytes, m.type == IpcType::kReload ? IpcType::kReloadReply : IpcType::kReload).error(),
              IpcReject::kType);
  }
  const IpcHeaderMessage good = encode_reload({.type = IpcType::kReloadReply, .generation = 9});
  for (std::size_t n = 0; n < good.size(); ++n)
    EXPECT_EQ(decode_reload(std::span(good).first(n), IpcType::kReloadReply).error(), IpcReject::kSize);
  std::vector<std::uint8_t> longer(good.begin(), good.end());
  longer.push_back(0);
  EXPECT_EQ(decode_reload(longer, IpcType::kReloadReply).error(), IpcReject::kSize);
  auto with = [](IpcType type, std::size_t at, std::uint8_t value) {
    IpcHeaderMessage m = encode_reload({.type = type, .generation = 9});
    m[at] = value;
    return decode_reload(m, type);
  };
  EXPECT_EQ(with(IpcType::kReloadReply, 0, 1).error(), IpcReject::kVersion);
  EXPECT_EQ(with(IpcType::kReloadReply, 2, 2).error(), IpcReject::kAnswer);
  EXPECT_EQ(with(IpcType::kReload, 2, 1).error(), IpcReject::kAnswer);
  EXPECT_EQ(with(IpcType::kReload, 3, 1).error(), IpcReject::kReserved);
  // Only the reload types decode here.
  EXPECT_EQ(decode_reload(encode_reload({.type = IpcType::kMatch}), IpcType::kMatch).error(), IpcReject::kType);
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
  EXPECT_EQ(with(0, 1).error(), IpcReject::kVersion);  // the layout before the generation
  EXPECT_EQ(with(0, 3).error(), IpcReject::kVersion);
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
