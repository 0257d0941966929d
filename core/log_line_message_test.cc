// The log line message: layout, round trip, the cut flag, and each malformed form refused.
#include "core/log_line_message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sesame {
namespace {

TEST(LogLineMessage, LayoutIsTheHeaderThenTheText) {
  const std::vector<std::uint8_t> m = encode_log_line("ab");
  EXPECT_EQ(m, (std::vector<std::uint8_t>{2, 7, 0, 0, 0, 0, 0, 0, 'a', 'b'}));
  EXPECT_EQ(decode_log_line(m), (LogLineReport{.text = "ab", .cut = false}));
  EXPECT_EQ(decode_log_line(encode_log_line("")), (LogLineReport{.text = "", .cut = false}));
}

TEST(LogLineMessage, ALongLineIsCutAndSaysSo) {
  const std::string longest(kLogLineMaxBytes, 'x');
  EXPECT_EQ(decode_log_line(encode_log_line(longest)), (LogLineReport{.text = longest, .cut = false}));
  const std::vector<std::uint8_t> m = encode_log_line(longest + "yz");
  EXPECT_EQ(m.size(), kLogLineMessageMaxSize);
  EXPECT_EQ(decode_log_line(m), (LogLineReport{.text = longest, .cut = true}));
}

TEST(LogLineMessage, AnyByteIsText) {
  const std::string text("a\nb\0c\x1b[2J\\", 9);
  EXPECT_EQ(decode_log_line(encode_log_line(text))->text, text);
}

TEST(LogLineMessage, MalformedFormsAreRefused) {
  const std::vector<std::uint8_t> good = encode_log_line("line");
  auto with = [&](std::size_t at, std::uint8_t value) {
    std::vector<std::uint8_t> m = good;
    m[at] = value;
    return decode_log_line(m);
  };
  EXPECT_EQ(decode_log_line(std::span(good).first(kIpcHeaderSize - 1)).error(), IpcReject::kSize);
  std::vector<std::uint8_t> too_long = encode_log_line(std::string(kLogLineMaxBytes, 'x'));
  too_long.push_back('x');
  EXPECT_EQ(decode_log_line(too_long).error(), IpcReject::kSize);
  EXPECT_EQ(with(0, 1).error(), IpcReject::kVersion);
  EXPECT_EQ(with(1, std::to_underlying(IpcType::kMatch)).error(), IpcReject::kType);
  EXPECT_EQ(with(2, 2).error(), IpcReject::kCut);
  EXPECT_EQ(with(2, 1).error(), IpcReject::kCut);  // cut, but shorter than the longest
  EXPECT_EQ(with(3, 1).error(), IpcReject::kReserved);
  EXPECT_EQ(with(7, 1).error(), IpcReject::kReserved);
}

}  // namespace
}  // namespace sesame
