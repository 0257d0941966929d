// The sniffer's lines in the helper's log file: one line each whatever the bytes,
// tagged, bounded, and rate-limited with a count.
#include "daemon/helper/sniffer_lines.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "core/escaped_line.h"
#include "daemon/helper/log_file_test.h"

namespace sesame {
namespace {

class SnifferLinesTest : public LogFileTest {
 protected:
  // The file's lines, without knockd's "[YYYY-MM-DD HH:MM] " prefix.
  std::vector<std::string> lines() const {
    std::ifstream in(log_path());
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
      EXPECT_EQ(line.substr(0, 1), "[") << line;
      out.push_back(line.substr(line.find("] ") + 2));
    }
    return out;
  }
};

// A compromised sniffer's attempt at a helper line of its own: it stays inside the
// sniffer's one line, behind the sniffer's tag.
TEST_F(SnifferLinesTest, AForgedHelperLineStaysInsideTheSniffersLine) {
  SnifferLines sniffer(*log_, "sesamed");
  sniffer.write({.text = "198.18.0.2: ssh: OPEN SESAME\n[2026-01-01 00:00] sesame-helper: helper: ready\r\x1b[1A"},
                1000);
  EXPECT_EQ(lines(), std::vector<std::string>{"sesamed: 198.18.0.2: ssh: OPEN SESAME\\x0a[2026-01-01 00:00] "
                                              "sesame-helper: helper: ready\\x0d\\x1b[1A"});
}

TEST_F(SnifferLinesTest, TheTagIsTheConfiguredIdent) {
  SnifferLines sniffer(*log_, std::string(sniffer_tag(Logging{.syslog = true, .to_stderr = false, .file = "",
                                                               .ident = "knockd"})));
  sniffer.write({.text = "198.18.0.2: ssh: Stage 1"}, 1000);
  EXPECT_EQ(lines(), std::vector<std::string>{"knockd: 198.18.0.2: ssh: Stage 1"});
}

TEST_F(SnifferLinesTest, LongAndCutLinesAreBoundedAndMarked) {
  SnifferLines sniffer(*log_, "sesamed");
  sniffer.write({.text = std::string(kLogLineMaxBytes, 'x'), .cut = true}, 1000);
  const std::string escapes(kLogLineMaxBytes, '\n');  // each byte becomes four
  sniffer.write({.text = escapes}, 1000);
  const std::vector<std::string> got = lines();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], "sesamed: " + std::string(kLogLineMaxBytes, 'x') + std::string(kCutMark));
  EXPECT_EQ(got[1].size(), std::string("sesamed: ").size() + kLogLineMaxBytes + kCutMark.size());
}

// A flood of lines: the burst, then the rate; what is held back is counted in one
// helper line every kSummaryIntervalMs, written before the next sniffer line.
TEST_F(SnifferLinesTest, AFloodIsRateLimitedAndCounted) {
  SnifferLines sniffer(*log_, "sesamed");
  for (std::uint32_t i = 0; i < SnifferLines::kBurst + 300; ++i) sniffer.write({.text = "flood"}, 1000);
  EXPECT_EQ(lines().size(), SnifferLines::kBurst);
  sniffer.write({.text = "later"}, 1000 + SnifferLines::kSummaryIntervalMs);
  std::vector<std::string> got = lines();
  ASSERT_EQ(got.size(), SnifferLines::kBurst + 2);
  EXPECT_EQ(got[SnifferLines::kBurst], "helper: 300 lines from the sniffer suppressed (over 50 a second)");
  EXPECT_EQ(got.back(), "sesamed: later");
  // A minute of flooding, a line every millisecond, from a full bucket: the burst, a
  // minute's rate and a count every interval, no more.
  const std::size_t before = got.size();
  const std::uint64_t start = 1000 + SnifferLines::kSummaryIntervalMs;
  for (std::uint64_t ms = start; ms < start + 60'000; ++ms) sniffer.write({.text = "flood"}, ms);
  sniffer.log_suppressed();
  got = lines();
  const std::size_t counts = std::ranges::count_if(
      got, [](const std::string& l) { return l.find("lines from the sniffer suppressed") != std::string::npos; });
  // The one before "later", one every interval after it within the minute, the last.
  EXPECT_EQ(counts, 1 + (60'000 / SnifferLines::kSummaryIntervalMs - 1) + 1);
  EXPECT_LE(got.size() - before, SnifferLines::kBurst + 60 * SnifferLines::kLinesPerSecond + counts);
  EXPECT_NE(got.back().find("lines from the sniffer suppressed"), std::string::npos);
}

}  // namespace
}  // namespace sesame
