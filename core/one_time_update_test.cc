// The one-time sequence messages: layout, round trips, every malformed form refused.
#include "core/one_time_update.h"

#include <gtest/gtest.h>

#include <vector>

namespace sesame {
namespace {

OneTimeUpdate update() {
  return {.generation = 0xa1b2c3d4, .door = 2, .serial = 7, .line = 5,
          .sequence = {{Protocol::kTcp, 4000}, {Protocol::kUdp, 5000}, {Protocol::kTcp, 6000}}};
}

TEST(OneTimeUpdate, LayoutIsAsDrawn) {
  const std::vector<std::uint8_t> expected{2, 3, 3, 0, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0, 5,
                                           6, 0x0f, 0xa0, 17, 0x13, 0x88, 6, 0x17, 0x70};
  EXPECT_EQ(encode_one_time_update(update()), expected);
  const auto f = encode_one_time_in_force({.generation = 0x01020304, .door = 2, .serial = 7});
  EXPECT_EQ(std::vector<std::uint8_t>(f.begin(), f.end()),
            (std::vector<std::uint8_t>{2, 4, 0, 0, 1, 2, 3, 4, 0, 0, 0, 2, 0, 0, 0, 7}));
}

TEST(OneTimeUpdate, RoundTrips) {
  OneTimeUpdate none = update();
  none.sequence.clear();
  none.line = 0;
  for (const OneTimeUpdate& u : {update(), none}) {
    const auto back = decode_one_time_update(encode_one_time_update(u));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, u);
  }
  const OneTimeInForce f{.generation = 0xfffffffe, .door = 0x01020304, .serial = 9};
  EXPECT_EQ(decode_one_time_in_force(encode_one_time_in_force(f)), f);
}

TEST(OneTimeUpdate, MalformedIsRefused) {
  const std::vector<std::uint8_t> good = encode_one_time_update(update());
  for (std::size_t n = 0; n < good.size(); ++n)
    EXPECT_EQ(decode_one_time_update(std::span(good).first(n)).error(), IpcReject::kSize) << n;
  auto longer = good;
  longer.push_back(0);
  EXPECT_EQ(decode_one_time_update(longer).error(), IpcReject::kSize);
  auto with = [&](std::size_t at, std::uint8_t v) {
    auto m = good;
    m[at] = v;
    return decode_one_time_update(m).error();
  };
  EXPECT_EQ(with(0, 1), IpcReject::kVersion);  // the layout before the generation
  EXPECT_EQ(with(1, 1), IpcReject::kType);
  EXPECT_EQ(with(2, 4), IpcReject::kSize);
  EXPECT_EQ(with(3, 1), IpcReject::kReserved);
  EXPECT_EQ(with(20, 1), IpcReject::kProtocol);

  const auto f = encode_one_time_in_force({.generation = 1, .door = 1, .serial = 1});
  EXPECT_EQ(decode_one_time_in_force(std::span(f).first(15)).error(), IpcReject::kSize);
  auto bad = f;
  bad[1] = 2;
  EXPECT_EQ(decode_one_time_in_force(bad).error(), IpcReject::kType);
  bad = f;
  bad[3] = 1;
  EXPECT_EQ(decode_one_time_in_force(bad).error(), IpcReject::kReserved);
  bad = f;
  bad[2] = 1;
  EXPECT_EQ(decode_one_time_in_force(bad).error(), IpcReject::kReserved);
}

}  // namespace
}  // namespace sesame
