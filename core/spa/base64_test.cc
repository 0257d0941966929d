#include "core/spa/base64.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sesame {
namespace {

std::string decoded(std::string_view text) {
  std::array<std::uint8_t, 64> out;
  const auto n = decode_unpadded_base64(text, out);
  if (!n) return "<invalid>";
  return std::string(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*n));
}

TEST(UnpaddedBase64, DecodesEveryLengthAnEncoderMakes) {
  EXPECT_EQ(decoded(""), "");
  EXPECT_EQ(decoded("cm9vdA"), "root");
  EXPECT_EQ(decoded("cm9vdDE"), "root1");
  EXPECT_EQ(decoded("cm9vdDEy"), "root12");
  EXPECT_EQ(decoded("MTk4LjE4LjAuMix0Y3AvMjI"), "198.18.0.2,tcp/22");
}

TEST(UnpaddedBase64, RejectsWhatNoEncoderMakes) {
  EXPECT_EQ(decoded("cm9vd"), "<invalid>");   // 5 characters: 4 n + 1
  EXPECT_EQ(decoded("cm9vdA=="), "<invalid>");  // padding is stripped in fwknop's fields
  EXPECT_EQ(decoded("cm9v dA"), "<invalid>");
  EXPECT_EQ(decoded("cm9vdB"), "<invalid>");  // trailing bits set: a second text for "root"
  EXPECT_EQ(decoded("cm9vdDF"), "<invalid>");
  EXPECT_EQ(decoded(std::string_view("cm9\0dA", 6)), "<invalid>");
}

TEST(UnpaddedBase64, RejectsAnOutputBufferTooSmall) {
  std::array<std::uint8_t, 3> out;
  EXPECT_FALSE(decode_unpadded_base64("cm9vdA", out));
  EXPECT_EQ(decode_unpadded_base64("cm9v", out), 3u);
}

TEST(UnpaddedBase64, EncodesWithoutPadding) {
  const std::string_view root = "root";
  std::array<char, 16> out;
  const auto n = encode_unpadded_base64(
      {reinterpret_cast<const std::uint8_t*>(root.data()), root.size()}, out);
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string_view(out.data(), *n), "cm9vdA");
}

TEST(Base64Key, TakesPaddedAndUnpaddedKeys) {
  EXPECT_EQ(decode_base64_key("cm9vdA=="), (std::vector<std::uint8_t>{'r', 'o', 'o', 't'}));
  EXPECT_EQ(decode_base64_key("cm9vdA"), (std::vector<std::uint8_t>{'r', 'o', 'o', 't'}));
  EXPECT_EQ(decode_base64_key("kt+4WOnekk/UQuVep0ACJr14JdMS7t5ATp/6GvkkIYQ=")->size(), 32u);
  EXPECT_FALSE(decode_base64_key("cm9vdA="));
  EXPECT_FALSE(decode_base64_key("cm9vdA==="));
  EXPECT_FALSE(decode_base64_key("not base64"));
}

}  // namespace
}  // namespace sesame
