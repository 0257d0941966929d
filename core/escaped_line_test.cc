// Untrusted text made into one printable, bounded line.
#include "core/escaped_line.h"

#include <gtest/gtest.h>

#include <string>

namespace sesame {
namespace {

TEST(EscapedLine, PrintableTextIsUnchanged) {
  EXPECT_EQ(escaped_line("198.18.0.2: ssh: OPEN SESAME", 100), "198.18.0.2: ssh: OPEN SESAME");
  EXPECT_EQ(escaped_line("a\tb", 100), "a\tb");
}

// A forged second line: the newline is escaped, so it stays inside the first.
TEST(EscapedLine, NoByteEndsTheLine) {
  EXPECT_EQ(escaped_line("ok\n[2025-01-31 23:59] sesame-helper: opened", 100),
            "ok\\x0a[2025-01-31 23:59] sesame-helper: opened");
  EXPECT_EQ(escaped_line(std::string("\r\0\x1b[2J\x7f\x80\xff", 9), 100), "\\x0d\\x00\\x1b[2J\\x7f\\x80\\xff");
  EXPECT_EQ(escaped_line("C:\\x0a", 100), "C:\\\\x0a");  // an escape in the output is always one in the input
}

TEST(EscapedLine, CutAtTheBoundNeverInsideAnEscape) {
  EXPECT_EQ(escaped_line("abcdef", 4), "abcd [cut]");
  EXPECT_EQ(escaped_line("abc\n", 5), "abc [cut]");
  EXPECT_EQ(escaped_line("abc\n", 7), "abc\\x0a");
  EXPECT_EQ(escaped_line("abc", 3, true), "abc [cut]");
  EXPECT_EQ(escaped_line(std::string(10'000, '\n'), 1024).size(), 1024 + kCutMark.size());
}

}  // namespace
}  // namespace sesame
